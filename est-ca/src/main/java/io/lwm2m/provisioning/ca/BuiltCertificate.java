package io.lwm2m.provisioning.ca;

import io.lwm2m.provisioning.crypto.Der;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.time.Instant;
import javax.security.auth.x500.X500Principal;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateHolder;

/**
 * A certificate as Bouncy Castle built and signed it, with what its record, its audit event and an
 * enrollment's answer read from it: its DER, serial, subject and validity, none of which needs the
 * JDK's {@link X509Certificate}. That one is parsed from the DER only when asked for
 * ({@link #x509()}): the parse was a sixth of the signing step of every enrollment, whose answer and
 * record need only the bytes.
 */
public final class BuiltCertificate {

    private final X509CertificateHolder holder;
    private final byte[] der;
    // Read once: Bouncy Castle decodes the ASN.1 times and names again at every call.
    private final String subject;
    private final Instant notBefore;
    private final Instant notAfter;
    private volatile X509Certificate x509;

    private BuiltCertificate(X509CertificateHolder holder, X509Certificate x509) {
        this.holder = holder;
        this.x509 = x509;
        try {
            this.der = holder.getEncoded();
            this.subject = new X500Principal(holder.getSubject().getEncoded()).getName();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot encode the certificate just built", e);
        }
        this.notBefore = holder.getNotBefore().toInstant();
        this.notAfter = holder.getNotAfter().toInstant();
    }

    static BuiltCertificate of(X509CertificateHolder holder) {
        return new BuiltCertificate(holder, null);
    }

    /** A certificate from its DER, as a record holds it; the JDK parses it only if {@link #x509()} is asked for. */
    public static BuiltCertificate ofDer(byte[] der) {
        try {
            return new BuiltCertificate(new X509CertificateHolder(der), null);
        } catch (IOException e) {
            throw new IllegalArgumentException("not a DER X.509 certificate", e);
        }
    }

    /** A certificate the JDK already holds (one built elsewhere). */
    public static BuiltCertificate of(X509Certificate certificate) {
        try {
            return new BuiltCertificate(new JcaX509CertificateHolder(certificate), certificate);
        } catch (CertificateEncodingException e) {
            throw new IllegalArgumentException("cannot encode the certificate", e);
        }
    }

    /** The DER encoding; the caller must not change it. */
    public byte[] der() {
        return der;
    }

    /** The structure Bouncy Castle's CMS and certificate stores take. */
    public X509CertificateHolder holder() {
        return holder;
    }

    public BigInteger serialNumber() {
        return holder.getSerialNumber();
    }

    /** The subject as {@link X500Principal#getName()} gives it (RFC 2253), from the encoded name alone. */
    public String subject() {
        return subject;
    }

    public Instant notBefore() {
        return notBefore;
    }

    public Instant notAfter() {
        return notAfter;
    }

    /** The JDK's view of the certificate, parsed at the first call. */
    public X509Certificate x509() {
        X509Certificate parsed = x509;
        if (parsed == null) {
            // From the DER kept: the converter would encode the holder once more.
            parsed = Der.certificate(der);
            x509 = parsed;
        }
        return parsed;
    }

    @Override
    public String toString() {
        return "BuiltCertificate[" + serialNumber().toString(16) + "]";
    }
}
