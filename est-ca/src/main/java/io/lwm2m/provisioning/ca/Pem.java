package io.lwm2m.provisioning.ca;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.cert.CRLException;
import java.security.cert.CertificateEncodingException;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509CRL;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Objects;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.openssl.PEMEncryptedKeyPair;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.pkcs.PKCS8EncryptedPrivateKeyInfo;

/**
 * PEM text in and out. Writing uses plain Base64 (64-character lines, as OpenSSL does); reading uses Bouncy Castle's
 * parser but always returns JDK keys ("EC"/"RSA"). Error messages describe the input, never echo it, so a
 * mis-pasted private key never ends up in a log.
 */
public final class Pem {

    private static final Base64.Encoder BASE64 = Base64.getMimeEncoder(64, new byte[] {'\n'});

    private Pem() {
    }

    public static String certificates(List<X509Certificate> certs) {
        StringBuilder pem = new StringBuilder();
        for (X509Certificate cert : certs) {
            pem.append(certificate(cert));
        }
        return pem.toString();
    }

    public static String certificate(X509Certificate c) {
        try {
            return block("CERTIFICATE", c.getEncoded());
        } catch (CertificateEncodingException e) {
            throw new IllegalArgumentException("certificate " + c.getSubjectX500Principal() + " cannot be encoded", e);
        }
    }

    /** PKCS#8 ("-----BEGIN PRIVATE KEY-----"); fails for keys that never leave their token (PKCS#11). */
    public static String privateKey(PrivateKey key) {
        byte[] encoded = "PKCS#8".equals(key.getFormat()) ? key.getEncoded() : null;
        if (encoded == null) {
            throw new IllegalArgumentException(key.getAlgorithm()
                    + " private key cannot be exported as PKCS#8 (it is probably held in a hardware token)");
        }
        return block("PRIVATE KEY", encoded);
    }

    /** SubjectPublicKeyInfo ("-----BEGIN PUBLIC KEY-----"). */
    public static String publicKey(PublicKey key) {
        byte[] encoded = "X.509".equals(key.getFormat()) ? key.getEncoded() : null;
        if (encoded == null) {
            throw new IllegalArgumentException(key.getAlgorithm() + " public key has no X.509 encoding");
        }
        return block("PUBLIC KEY", encoded);
    }

    public static String crl(X509CRL crl) {
        try {
            return block("X509 CRL", crl.getEncoded());
        } catch (CRLException e) {
            throw new IllegalArgumentException("CRL of " + crl.getIssuerX500Principal() + " cannot be encoded", e);
        }
    }

    /** Every CERTIFICATE block in order; text between blocks is ignored, any other block type is an error. */
    public static List<X509Certificate> parseCertificates(String pem) {
        requireText(pem, "certificate PEM");
        List<X509Certificate> certificates = new ArrayList<>();
        try (PEMParser parser = new PEMParser(new StringReader(pem))) {
            Object object;
            while ((object = readObject(parser, "certificate PEM", certificates.size() + 1)) != null) {
                if (!(object instanceof X509CertificateHolder holder)) {
                    throw new IllegalArgumentException("certificate PEM: block " + (certificates.size() + 1)
                            + " is " + describe(object) + ", expected a CERTIFICATE");
                }
                certificates.add(toCertificate(holder, certificates.size() + 1));
            }
        } catch (IOException e) {
            throw new IllegalArgumentException("certificate PEM cannot be read", e);
        }
        if (certificates.isEmpty()) {
            throw new IllegalArgumentException(
                    "certificate PEM contains no '-----BEGIN CERTIFICATE-----' block");
        }
        return List.copyOf(certificates);
    }

    /**
     * The first private key in the text: PKCS#8 "PRIVATE KEY", SEC1 "EC PRIVATE KEY" or PKCS#1 "RSA PRIVATE KEY",
     * unencrypted. Returned as a JDK "EC"/"RSA" key whatever produced the PEM.
     */
    public static PrivateKey parsePrivateKey(String pem) {
        requireText(pem, "private key PEM");
        PrivateKeyInfo info;
        try (PEMParser parser = new PEMParser(new StringReader(pem))) {
            info = firstPrivateKey(parser);
        } catch (IOException e) {
            // No cause: parser messages may quote the input, and the input is a private key.
            throw new IllegalArgumentException("private key PEM cannot be read");
        }
        String algorithm = JdkKeys.algorithmForOid(info.getPrivateKeyAlgorithm().getAlgorithm().getId());
        if (algorithm == null) {
            throw new IllegalArgumentException("private key PEM: key algorithm "
                    + info.getPrivateKeyAlgorithm().getAlgorithm().getId() + " is not supported, expected EC or RSA");
        }
        if (algorithm.equals("EC") && info.getPrivateKeyAlgorithm().getParameters() == null) {
            // SEC1 keys may leave the curve out (it is optional there); such a key cannot be used on its own.
            throw new IllegalArgumentException("private key PEM: the EC key does not name its curve "
                    + "(SEC1 'EC PRIVATE KEY' without parameters); export it as PKCS#8 instead");
        }
        try {
            return JdkKeys.privateKey(algorithm, info.getEncoded());
        } catch (GeneralSecurityException | IOException | RuntimeException e) {
            throw new IllegalArgumentException("private key PEM: the " + algorithm + " key is malformed");
        }
    }

    /** The first "PUBLIC KEY" (SubjectPublicKeyInfo) block, as a JDK "EC"/"RSA" key. */
    public static PublicKey parsePublicKey(String pem) {
        requireText(pem, "public key PEM");
        SubjectPublicKeyInfo info = null;
        try (PEMParser parser = new PEMParser(new StringReader(pem))) {
            Object object;
            while (info == null && (object = readObject(parser, "public key PEM", 1)) != null) {
                if (object instanceof SubjectPublicKeyInfo found) {
                    info = found;
                } else if (object instanceof X509CertificateHolder) {
                    continue;
                } else {
                    throw new IllegalArgumentException("public key PEM contains " + describe(object)
                            + ", expected a PUBLIC KEY");
                }
            }
        } catch (IOException e) {
            throw new IllegalArgumentException("public key PEM cannot be read", e);
        }
        if (info == null) {
            throw new IllegalArgumentException("public key PEM contains no '-----BEGIN PUBLIC KEY-----' block");
        }
        String algorithm = JdkKeys.algorithmForOid(info.getAlgorithm().getAlgorithm().getId());
        if (algorithm == null) {
            throw new IllegalArgumentException("public key PEM: key algorithm " + info.getAlgorithm().getAlgorithm()
                    .getId() + " is not supported, expected EC or RSA");
        }
        try {
            return JdkKeys.publicKey(algorithm, info.getEncoded());
        } catch (GeneralSecurityException | IOException | RuntimeException e) {
            throw new IllegalArgumentException("public key PEM: the " + algorithm + " key is malformed", e);
        }
    }

    private static PrivateKeyInfo firstPrivateKey(PEMParser parser) throws IOException {
        Object object;
        while ((object = readPrivateKeyObject(parser)) != null) {
            if (object instanceof PrivateKeyInfo info) {
                return info;
            }
            if (object instanceof PEMKeyPair pair) {
                return pair.getPrivateKeyInfo();
            }
            if (object instanceof PEMEncryptedKeyPair || object instanceof PKCS8EncryptedPrivateKeyInfo) {
                throw new IllegalArgumentException("private key PEM is encrypted; decrypt it first "
                        + "(e.g. openssl pkey -in key.pem -out plain.pem)");
            }
            // Certificates, parameters ("EC PARAMETERS") or public keys next to the key are tolerated.
        }
        throw new IllegalArgumentException("private key PEM contains no 'PRIVATE KEY', 'EC PRIVATE KEY' "
                + "or 'RSA PRIVATE KEY' block");
    }

    private static Object readPrivateKeyObject(PEMParser parser) throws IOException {
        try {
            return parser.readObject();
        } catch (IOException | RuntimeException e) {
            throw new IllegalArgumentException("private key PEM is malformed (bad Base64, truncated or not DER)");
        }
    }

    private static Object readObject(PEMParser parser, String what, int blockNumber) {
        try {
            return parser.readObject();
        } catch (IOException | RuntimeException e) {
            // No cause: the block may be a mis-pasted private key, and parser messages may describe its content.
            throw new IllegalArgumentException(what + ": block " + blockNumber
                    + " is malformed (bad Base64, truncated, not DER, or an unknown block type)");
        }
    }

    private static X509Certificate toCertificate(X509CertificateHolder holder, int blockNumber) {
        try {
            CertificateFactory factory = CertificateFactory.getInstance("X.509");
            return (X509Certificate) factory.generateCertificate(new ByteArrayInputStream(holder.getEncoded()));
        } catch (CertificateException | IOException e) {
            throw new IllegalArgumentException("certificate PEM: block " + blockNumber
                    + " is not a valid X.509 certificate", e);
        }
    }

    /** Names the kind of a parsed PEM object without revealing its contents. */
    private static String describe(Object object) {
        if (object instanceof PrivateKeyInfo || object instanceof PEMKeyPair || object instanceof PEMEncryptedKeyPair
                || object instanceof PKCS8EncryptedPrivateKeyInfo) {
            return "a private key";
        }
        if (object instanceof SubjectPublicKeyInfo) {
            return "a public key";
        }
        if (object instanceof X509CertificateHolder) {
            return "a certificate";
        }
        return "a " + object.getClass().getSimpleName();
    }

    private static void requireText(String pem, String what) {
        Objects.requireNonNull(pem, what + " must be given");
        if (pem.isBlank()) {
            throw new IllegalArgumentException(what + " is empty");
        }
    }

    private static String block(String type, byte[] der) {
        return "-----BEGIN " + type + "-----\n"
                + new String(BASE64.encode(der), StandardCharsets.US_ASCII)
                + "\n-----END " + type + "-----\n";
    }
}
