package io.lwm2m.provisioning.ca;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.math.BigInteger;
import java.net.URI;
import java.security.GeneralSecurityException;
import java.security.Key;
import java.security.KeyPair;
import java.security.KeyStore;
import java.security.KeyStoreException;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.UnrecoverableKeyException;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Date;
import java.util.List;
import java.util.Objects;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.X500NameBuilder;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.CertIOException;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;

/** Creates a new two-level CA, or takes over an existing issuing CA after checking it can work. */
public final class CaFactory {

    private CaFactory() {
    }

    /**
     * A self-signed root and an issuing CA signed by it, both with keys of {@code algorithm}. The issuing CA gets
     * pathLen 0 (it may only sign end entities) and never outlives the root.
     *
     * @param crlUrl where relying parties fetch the root's CRL for the issuing CA; null for none
     */
    public static GeneratedCa generate(KeyAlgorithm algorithm, String name, String organization, Duration rootValidity,
                                       Duration issuingValidity, URI crlUrl, SecureRandom random) {
        Objects.requireNonNull(algorithm, "algorithm must be given");
        Objects.requireNonNull(random, "random must be given");
        requireText(name, "name");
        requireText(organization, "organization");
        requirePositive(rootValidity, "rootValidity");
        requirePositive(issuingValidity, "issuingValidity");

        Instant now = Instant.now();
        Instant notBefore = now.minus(Certificates.CLOCK_SKEW);
        KeyPair rootKeys = algorithm.generate(random);
        KeyPair issuingKeys = algorithm.generate(random);

        X500Name rootName = caName(name + " Root CA", organization);
        X509Certificate root = caCertificate(rootName, rootKeys.getPublic(), null, rootName, rootKeys,
                notBefore, now.plus(rootValidity), null, random);
        Instant issuingNotAfter = Certificates.earlier(now.plus(issuingValidity), root.getNotAfter().toInstant());
        X509Certificate issuing = caCertificate(caName(name + " Issuing CA", organization), issuingKeys.getPublic(),
                0, rootName, rootKeys, notBefore, issuingNotAfter, crlUrl, random);
        return new GeneratedCa(root, rootKeys.getPrivate(), issuing, issuingKeys.getPrivate());
    }

    /**
     * Certifies a key held elsewhere (typically generated inside an HSM) as an issuing CA under
     * {@code root}: the way to put an HSM key under a root this factory generated.
     */
    public static X509Certificate certifyIssuingCa(PublicKey issuingKey, String name, String organization,
                                                   X509Certificate root, PrivateKey rootKey, Duration validity,
                                                   URI crlUrl, SecureRandom random) {
        Objects.requireNonNull(issuingKey, "issuingKey must be given");
        requireText(name, "name");
        requireText(organization, "organization");
        requirePositive(validity, "validity");
        Instant now = Instant.now();
        return caCertificate(caName(name + " Issuing CA", organization), issuingKey, 0, Certificates.subjectOf(root),
                new KeyPair(root.getPublicKey(), rootKey), now.minus(Certificates.CLOCK_SKEW),
                Certificates.earlier(now.plus(validity), root.getNotAfter().toInstant()), crlUrl, random);
    }

    /**
     * An existing issuing CA from PEM: {@code chainPem} holds its certificate first, optionally followed by the
     * certificates above it; {@code privateKeyPem} holds its unencrypted key (PKCS#8, SEC1 or PKCS#1).
     */
    public static ImportedCa importPem(String chainPem, String privateKeyPem) {
        List<X509Certificate> chain;
        try {
            chain = Pem.parseCertificates(chainPem);
        } catch (IllegalArgumentException | NullPointerException e) {
            throw new CaImportException("CA chain: " + e.getMessage(), e);
        }
        PrivateKey key;
        try {
            key = Pem.parsePrivateKey(privateKeyPem);
        } catch (IllegalArgumentException | NullPointerException e) {
            // Pem's messages about keys never quote the key, and it attaches no cause that could.
            throw new CaImportException("CA private key: " + e.getMessage());
        }
        CaValidation.check(chain, key, null, Instant.now());
        return new ImportedCa(chain, key);
    }

    /** An existing issuing CA from a PKCS#12 file holding exactly one private key entry with its chain. */
    public static ImportedCa importPkcs12(byte[] pkcs12, char[] password) {
        if (pkcs12 == null || pkcs12.length == 0) {
            throw new CaImportException("PKCS#12: the file is empty");
        }
        char[] pass = password != null ? password : new char[0];
        KeyStore store;
        try {
            store = KeyStore.getInstance("PKCS12");
            store.load(new ByteArrayInputStream(pkcs12), pass);
        } catch (IOException e) {
            if (e.getCause() instanceof UnrecoverableKeyException) {
                throw new CaImportException("PKCS#12: wrong password (the file's integrity check failed)");
            }
            throw new CaImportException("PKCS#12: the file is not a readable PKCS#12 keystore");
        } catch (GeneralSecurityException e) {
            throw new CaImportException("PKCS#12: the file cannot be opened (" + e.getClass().getSimpleName() + ")");
        }
        String alias = onlyKeyAlias(store);
        try {
            Key key = store.getKey(alias, pass);
            if (!(key instanceof PrivateKey privateKey)) {
                throw new CaImportException("PKCS#12: entry '" + alias + "' holds no private key");
            }
            Certificate[] certificates = store.getCertificateChain(alias);
            if (certificates == null || certificates.length == 0) {
                throw new CaImportException("PKCS#12: entry '" + alias + "' has no certificate chain");
            }
            List<X509Certificate> chain = new ArrayList<>();
            for (Certificate certificate : certificates) {
                if (!(certificate instanceof X509Certificate x509)) {
                    throw new CaImportException("PKCS#12: entry '" + alias + "' holds a non-X.509 certificate");
                }
                chain.add(x509);
            }
            PrivateKey jdkKey = JdkKeys.normalize(privateKey);
            CaValidation.check(chain, jdkKey, null, Instant.now());
            return new ImportedCa(chain, jdkKey);
        } catch (UnrecoverableKeyException e) {
            throw new CaImportException("PKCS#12: the key of entry '" + alias
                    + "' cannot be decrypted with the given password (the key password must equal the file password)");
        } catch (GeneralSecurityException e) {
            throw new CaImportException("PKCS#12: entry '" + alias + "' cannot be read ("
                    + e.getClass().getSimpleName() + ")");
        }
    }

    /** Builds a CA certificate; package-visible so tests can put a CA on top of a key they hold elsewhere (HSM). */
    static X509Certificate caCertificate(X500Name subject, PublicKey subjectKey, Integer pathLength,
                                         X500Name issuerName, KeyPair issuerKeys, Instant notBefore, Instant notAfter,
                                         URI crlUrl, SecureRandom random) {
        BigInteger serial = CertificateIssuer.randomSerial(random);
        X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(issuerName, serial,
                Date.from(notBefore), Date.from(notAfter), subject, subjectKey);
        try {
            builder.addExtension(Extension.basicConstraints, true,
                    pathLength == null ? new BasicConstraints(true) : new BasicConstraints(pathLength));
            builder.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
            builder.addExtension(Extension.subjectKeyIdentifier, false, Certificates.subjectKeyIdentifier(subjectKey));
            if (!subjectKey.equals(issuerKeys.getPublic())) {
                // A self-signed root has no AKI to point at: it is its own authority.
                builder.addExtension(Extension.authorityKeyIdentifier, false,
                        Certificates.authorityKeyIdentifier(issuerKeys.getPublic()));
            }
            if (crlUrl != null) {
                builder.addExtension(Extension.cRLDistributionPoints, false, Certificates.crlDistributionPoint(crlUrl));
            }
        } catch (CertIOException e) {
            throw new IllegalStateException("cannot encode CA certificate extensions", e);
        }
        String algorithm = Certificates.signatureAlgorithm(issuerKeys.getPublic());
        return Certificates.sign(builder, Certificates.signer(algorithm, issuerKeys.getPrivate(), null, random));
    }

    /** "CN=<commonName>, O=<organization>" as X500Principal prints it; O is encoded first, as is customary. */
    static X500Name caName(String commonName, String organization) {
        return new X500NameBuilder(BCStyle.INSTANCE)
                .addRDN(BCStyle.O, organization)
                .addRDN(BCStyle.CN, commonName)
                .build();
    }

    private static String onlyKeyAlias(KeyStore store) {
        List<String> keyAliases = new ArrayList<>();
        try {
            for (String alias : Collections.list(store.aliases())) {
                if (store.isKeyEntry(alias)) {
                    keyAliases.add(alias);
                }
            }
        } catch (KeyStoreException e) {
            throw new CaImportException("PKCS#12: the entries cannot be listed");
        }
        if (keyAliases.isEmpty()) {
            throw new CaImportException("PKCS#12: the file contains no private key entry (only certificates?)");
        }
        if (keyAliases.size() > 1) {
            throw new CaImportException("PKCS#12: the file contains " + keyAliases.size()
                    + " private key entries " + keyAliases + "; expected exactly one");
        }
        return keyAliases.get(0);
    }

    private static void requireText(String value, String field) {
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException(field + " must not be blank");
        }
    }

    private static void requirePositive(Duration value, String field) {
        if (value == null || value.isNegative() || value.isZero()) {
            throw new IllegalArgumentException(field + " must be a positive duration, not " + value);
        }
    }
}
