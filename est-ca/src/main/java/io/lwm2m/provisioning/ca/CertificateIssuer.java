package io.lwm2m.provisioning.ca;

import io.lwm2m.provisioning.crypto.EllipticCurveProvider;
import java.math.BigInteger;
import java.net.URI;
import java.security.PrivateKey;
import java.security.Provider;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.cert.CRLException;
import java.security.cert.X509CRL;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECKey;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.RSAKey;
import java.time.Instant;
import java.util.Date;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.X500NameBuilder;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x509.AuthorityKeyIdentifier;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.CRLDistPoint;
import org.bouncycastle.asn1.x509.CRLNumber;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.CertIOException;
import org.bouncycastle.cert.X509v2CRLBuilder;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CRLConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.crypto.params.AsymmetricKeyParameter;
import org.bouncycastle.operator.ContentSigner;

/** Signs end-entity certificates and CRLs with one issuing CA. Thread-safe: it holds no mutable state. */
public final class CertificateIssuer {

    /** RFC 5280 caps serials at 20 octets; 128 bits leave room for the sign byte and are unguessable. */
    private static final int SERIAL_BITS = 128;
    private static final int MAX_SERIAL_OCTETS = 20;

    private final X509Certificate issuingCertificate;
    private final PrivateKey issuingKey;
    private final Provider signingProvider;
    private final SecureRandom random;
    private final X500Name issuerName;
    private final AuthorityKeyIdentifier authorityKeyIdentifier;
    private final CRLDistPoint crlDistributionPoint;
    private final String signatureAlgorithm;
    /**
     * A software EC key in Bouncy Castle's lightweight form, or null (RSA, a key in an HSM, or BoringSSL's
     * arithmetic installed, which signs 4 times faster through the JCA): signing through it skips the JCA
     * layers and uses Bouncy Castle's P-256/P-384 arithmetic with its precomputed multiples of the base
     * point, several times cheaper than the JDK 17 ECDSA.
     */
    private final AsymmetricKeyParameter lightweightKey;

    /**
     * @param signingProvider the provider holding {@code issuingKey} (e.g. SunPKCS11), or null for the default
     *                        JCA provider chain
     * @param crlDistributionPoint put into every issued certificate; null for none
     */
    public CertificateIssuer(X509Certificate issuingCertificate, PrivateKey issuingKey, Provider signingProvider,
                             URI crlDistributionPoint, SecureRandom random) {
        this.issuingCertificate = Objects.requireNonNull(issuingCertificate, "issuingCertificate must be given");
        this.issuingKey = Objects.requireNonNull(issuingKey, "issuingKey must be given");
        this.random = Objects.requireNonNull(random, "random must be given");
        this.signingProvider = signingProvider;
        if (issuingCertificate.getBasicConstraints() < 0) {
            throw new IllegalArgumentException("issuing certificate " + issuingCertificate.getSubjectX500Principal()
                    .getName() + " is not a CA (basicConstraints cA=true missing)");
        }
        this.signatureAlgorithm = Certificates.signatureAlgorithm(issuingCertificate.getPublicKey());
        this.issuerName = Certificates.subjectOf(issuingCertificate);
        this.authorityKeyIdentifier = Certificates.authorityKeyIdentifier(issuingCertificate);
        this.crlDistributionPoint = crlDistributionPoint != null
                ? Certificates.crlDistributionPoint(crlDistributionPoint) : null;
        this.lightweightKey = signingProvider == null && issuingKey instanceof ECPrivateKey && issuingKey.getEncoded() != null
                && !EllipticCurveProvider.nativeInstalled() ? Certificates.lightweightKey(issuingKey) : null;
    }

    /**
     * An end-entity certificate for {@code subjectKey}, valid from five minutes before {@code now} (clock skew)
     * for {@code profile.validity()}, cut short at the issuing CA's own expiry.
     *
     * @param sanUri subjectAltName URI (e.g. the LwM2M endpoint as "urn:..."); null for none
     */
    public X509Certificate issue(PublicKey subjectKey, CertificateProfile profile, String commonName, URI sanUri,
                                 BigInteger serial, Instant now) {
        return build(subjectKey, profile, commonName, sanUri, serial, now).x509();
    }

    /** As {@link #issue}, as Bouncy Castle built it: the JDK parses it only if asked (see {@link BuiltCertificate}). */
    public BuiltCertificate build(PublicKey subjectKey, CertificateProfile profile, String commonName, URI sanUri,
                                  BigInteger serial, Instant now) {
        return build(subjectKey, profile, commonName, sanUri == null ? null
                : new GeneralNames(new GeneralName(GeneralName.uniformResourceIdentifier, sanUri.toString())), serial, now);
    }

    /** A server certificate whose subjectAltName carries {@code names} (DNS names, IP addresses), as TLS clients check them. */
    public X509Certificate issueServer(PublicKey subjectKey, CertificateProfile profile, String commonName, ServerNames names,
                                       BigInteger serial, Instant now) {
        return build(subjectKey, profile, commonName, names.isEmpty() ? null : names.generalNames(), serial, now).x509();
    }

    private BuiltCertificate build(PublicKey subjectKey, CertificateProfile profile, String commonName, GeneralNames altNames,
                                   BigInteger serial, Instant now) {
        Objects.requireNonNull(subjectKey, "subjectKey must be given");
        Objects.requireNonNull(profile, "profile must be given");
        Objects.requireNonNull(now, "now must be given");
        if (commonName == null || commonName.isBlank()) {
            throw new IllegalArgumentException("commonName must not be blank");
        }
        requireValidSerial(serial);
        int keyUsage = KeyUsage.digitalSignature | subjectKeyUsage(subjectKey);

        Instant issuerExpiry = issuingCertificate.getNotAfter().toInstant();
        if (!now.isBefore(issuerExpiry)) {
            throw new IllegalStateException("issuing CA " + issuingCertificate.getSubjectX500Principal().getName()
                    + " expired at " + issuerExpiry + "; it cannot issue certificates any more");
        }
        Instant notBefore = now.minus(Certificates.CLOCK_SKEW);
        Instant notAfter = Certificates.earlier(now.plus(profile.validity()), issuerExpiry);

        X500Name subject = new X500NameBuilder(BCStyle.INSTANCE).addRDN(BCStyle.CN, commonName).build();
        X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(issuerName, serial,
                Date.from(notBefore), Date.from(notAfter), subject, subjectKey);
        KeyPurposeId purpose = profile.purpose() == CertificateProfile.Purpose.DEVICE
                ? KeyPurposeId.id_kp_clientAuth : KeyPurposeId.id_kp_serverAuth;
        try {
            builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
            builder.addExtension(Extension.keyUsage, true, new KeyUsage(keyUsage));
            builder.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(purpose));
            builder.addExtension(Extension.subjectKeyIdentifier, false, Certificates.subjectKeyIdentifier(subjectKey));
            builder.addExtension(Extension.authorityKeyIdentifier, false, authorityKeyIdentifier);
            if (altNames != null) {
                builder.addExtension(Extension.subjectAlternativeName, false, altNames);
            }
            if (crlDistributionPoint != null) {
                builder.addExtension(Extension.cRLDistributionPoints, false, crlDistributionPoint);
            }
        } catch (CertIOException e) {
            throw new IllegalStateException("cannot encode certificate extensions", e);
        }
        return Certificates.build(builder, signer());
    }

    /**
     * A complete (not delta) v2 CRL. Reason 0 (unspecified) is left out of the entry, as RFC 5280 asks.
     */
    public X509CRL crl(List<RevokedEntry> revoked, BigInteger crlNumber, Instant thisUpdate, Instant nextUpdate) {
        Objects.requireNonNull(revoked, "revoked must be given (empty for none)");
        Objects.requireNonNull(thisUpdate, "thisUpdate must be given");
        Objects.requireNonNull(nextUpdate, "nextUpdate must be given");
        if (crlNumber == null || crlNumber.signum() < 0 || crlNumber.toByteArray().length > MAX_SERIAL_OCTETS) {
            throw new IllegalArgumentException("crlNumber must be 0..2^159-1, not " + crlNumber);
        }
        if (!nextUpdate.isAfter(thisUpdate)) {
            throw new IllegalArgumentException("nextUpdate " + nextUpdate + " must be after thisUpdate " + thisUpdate);
        }
        X509v2CRLBuilder builder = new X509v2CRLBuilder(issuerName, Date.from(thisUpdate));
        builder.setNextUpdate(Date.from(nextUpdate));
        Set<BigInteger> seen = new HashSet<>();
        for (RevokedEntry entry : revoked) {
            if (!seen.add(entry.serial())) {
                throw new IllegalArgumentException("revoked serial " + entry.serial().toString(16)
                        + " is listed twice");
            }
            builder.addCRLEntry(entry.serial(), Date.from(entry.revokedAt()), entry.reasonCode());
        }
        try {
            builder.addExtension(Extension.authorityKeyIdentifier, false, authorityKeyIdentifier);
            builder.addExtension(Extension.cRLNumber, false, new CRLNumber(crlNumber));
        } catch (CertIOException e) {
            throw new IllegalStateException("cannot encode CRL extensions", e);
        }
        try {
            return new JcaX509CRLConverter().getCRL(
                    builder.build(signer()));
        } catch (CRLException e) {
            throw new IllegalStateException("the JDK cannot read the CRL just built", e);
        }
    }

    private ContentSigner signer() {
        return lightweightKey != null ? Certificates.lightweightSigner(signatureAlgorithm, lightweightKey, random)
                : Certificates.signer(signatureAlgorithm, issuingKey, signingProvider, random);
    }

    /** A positive serial of 128 random bits (so at most 17 DER octets), never zero. */
    public static BigInteger randomSerial(SecureRandom random) {
        BigInteger serial;
        do {
            serial = new BigInteger(SERIAL_BITS, random);
        } while (serial.signum() == 0);
        return serial;
    }

    /** EC keys may do ECDH (keyAgreement); RSA keys may wrap keys (keyEncipherment) for RSA key transport. */
    private static int subjectKeyUsage(PublicKey subjectKey) {
        if (subjectKey instanceof ECKey) {
            return KeyUsage.keyAgreement;
        }
        if (subjectKey instanceof RSAKey rsa) {
            if (rsa.getModulus().bitLength() < 2048) {
                throw new IllegalArgumentException("subject RSA key of " + rsa.getModulus().bitLength()
                        + " bits is too weak, at least 2048 required");
            }
            return KeyUsage.keyEncipherment;
        }
        throw new IllegalArgumentException("subject key algorithm " + subjectKey.getAlgorithm()
                + " is not supported: expected EC or RSA");
    }

    private static void requireValidSerial(BigInteger serial) {
        if (serial == null || serial.signum() <= 0 || serial.toByteArray().length > MAX_SERIAL_OCTETS) {
            throw new IllegalArgumentException("serial must be a positive number of at most 20 octets, not "
                    + (serial == null ? null : serial.toString(16)));
        }
    }
}
