package io.lwm2m.provisioning.ca;

import java.io.IOException;
import java.net.URI;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.Provider;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECKey;
import java.security.interfaces.RSAKey;
import java.time.Duration;
import java.time.Instant;
import org.bouncycastle.asn1.ASN1OctetString;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.AuthorityKeyIdentifier;
import org.bouncycastle.asn1.x509.CRLDistPoint;
import org.bouncycastle.asn1.x509.DistributionPoint;
import org.bouncycastle.asn1.x509.DistributionPointName;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.SubjectKeyIdentifier;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.crypto.params.AsymmetricKeyParameter;
import org.bouncycastle.crypto.util.PrivateKeyFactory;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.operator.DefaultDigestAlgorithmIdentifierFinder;
import org.bouncycastle.operator.DefaultSignatureAlgorithmIdentifierFinder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.bc.BcECContentSignerBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/** What CA and end-entity certificates share: key identifiers, CRL pointers, signing, the clock-skew margin. */
final class Certificates {

    /** notBefore is backdated so that a device whose clock runs a little behind accepts a certificate at once. */
    static final Duration CLOCK_SKEW = Duration.ofMinutes(5);

    private Certificates() {
    }

    /** The X.500 name exactly as encoded in the certificate, so issuer fields match it byte for byte. */
    static X500Name subjectOf(X509Certificate certificate) {
        return X500Name.getInstance(certificate.getSubjectX500Principal().getEncoded());
    }

    static SubjectKeyIdentifier subjectKeyIdentifier(PublicKey key) {
        return extensionUtils().createSubjectKeyIdentifier(key);
    }

    /**
     * Points at the issuer's own key identifier when its certificate has one (an imported CA may use another
     * method than the SHA-1 of the key), else at the SHA-1 of its key as RFC 5280 method 1 computes it.
     */
    static AuthorityKeyIdentifier authorityKeyIdentifier(X509Certificate issuer) {
        byte[] extension = issuer.getExtensionValue(Extension.subjectKeyIdentifier.getId());
        if (extension != null) {
            byte[] keyId = ASN1OctetString.getInstance(ASN1OctetString.getInstance(extension).getOctets()).getOctets();
            return new AuthorityKeyIdentifier(keyId);
        }
        return authorityKeyIdentifier(issuer.getPublicKey());
    }

    static AuthorityKeyIdentifier authorityKeyIdentifier(PublicKey issuerKey) {
        return new AuthorityKeyIdentifier(subjectKeyIdentifier(issuerKey).getKeyIdentifier());
    }

    static CRLDistPoint crlDistributionPoint(URI url) {
        GeneralName name = new GeneralName(GeneralName.uniformResourceIdentifier, url.toString());
        DistributionPointName pointName = new DistributionPointName(new GeneralNames(name));
        return new CRLDistPoint(new DistributionPoint[] {new DistributionPoint(pointName, null, null)});
    }

    /**
     * The signature algorithm for a CA key. Lenient beyond {@link KeyAlgorithm} because an imported CA may hold a
     * P-521 or RSA-4096 key: the hash follows the curve size, RSA always uses SHA-256.
     */
    static String signatureAlgorithm(PublicKey caKey) {
        if (caKey instanceof ECKey ec) {
            int size = ec.getParams().getCurve().getField().getFieldSize();
            return size <= 256 ? "SHA256withECDSA" : size <= 384 ? "SHA384withECDSA" : "SHA512withECDSA";
        }
        if (caKey instanceof RSAKey) {
            return "SHA256withRSA";
        }
        throw new IllegalArgumentException("CA key algorithm " + caKey.getAlgorithm()
                + " is not supported: expected EC or RSA");
    }

    static ContentSigner signer(String algorithm, PrivateKey key, Provider provider, SecureRandom random) {
        JcaContentSignerBuilder builder = new JcaContentSignerBuilder(algorithm).setSecureRandom(random);
        if (provider != null) {
            builder.setProvider(provider);
        }
        try {
            return builder.build(key);
        } catch (OperatorCreationException e) {
            throw new IllegalStateException("cannot sign with " + algorithm + " using the " + key.getAlgorithm()
                    + " CA key" + (provider != null ? " in provider " + provider.getName() : ""), e);
        }
    }

    /** A software private key as Bouncy Castle's lightweight API holds it (named curves get BC's optimised arithmetic). */
    static AsymmetricKeyParameter lightweightKey(PrivateKey key) {
        try {
            return PrivateKeyFactory.createKey(key.getEncoded());
        } catch (IOException | RuntimeException e) {
            throw new IllegalStateException("cannot read the " + key.getAlgorithm() + " CA key for Bouncy Castle", e);
        }
    }

    /** An ECDSA signer on Bouncy Castle's lightweight API, for a key from {@link #lightweightKey}. */
    static ContentSigner lightweightSigner(String algorithm, AsymmetricKeyParameter key, SecureRandom random) {
        AlgorithmIdentifier signature = new DefaultSignatureAlgorithmIdentifierFinder().find(algorithm);
        AlgorithmIdentifier digest = new DefaultDigestAlgorithmIdentifierFinder().find(signature);
        try {
            return new BcECContentSignerBuilder(signature, digest).setSecureRandom(random).build(key);
        } catch (OperatorCreationException e) {
            throw new IllegalStateException("cannot sign with " + algorithm + " using the CA key", e);
        }
    }

    static X509Certificate sign(X509v3CertificateBuilder builder, ContentSigner signer) {
        return build(builder, signer).x509();
    }

    /** Signs without handing the result to the JDK, which would parse it again (see {@link BuiltCertificate}). */
    static BuiltCertificate build(X509v3CertificateBuilder builder, ContentSigner signer) {
        return BuiltCertificate.of(builder.build(signer));
    }

    static Instant earlier(Instant a, Instant b) {
        return a.isBefore(b) ? a : b;
    }

    static JcaX509ExtensionUtils extensionUtils() {
        try {
            return new JcaX509ExtensionUtils();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("SHA-1 (for key identifiers) is not available in this JRE", e);
        }
    }
}
