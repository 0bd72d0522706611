package io.lwm2m.provisioning.certificates;

import io.lwm2m.provisioning.crypto.Der;
import io.lwm2m.provisioning.errors.InvalidInputException;
import java.io.ByteArrayInputStream;
import java.security.GeneralSecurityException;
import java.security.cert.CRLException;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.TrustAnchor;
import java.security.cert.X509CRL;
import java.security.cert.X509Certificate;
import java.util.List;

/** The CRLs of manufacturer CAs: read, checked against their CA, and asked about a validated path. */
final class ManufacturerCrls {

    private ManufacturerCrls() {
    }

    /** A registered manufacturer CA as a trust anchor, with its CRL when one is held. */
    record Anchor(String name, TrustAnchor anchor, X509CRL crl) {

        static Anchor of(ManufacturerCa ca) {
            byte[] crl = ca.crl();
            return new Anchor(ca.name(), new TrustAnchor(Der.certificate(ca.certificate()), null), crl == null ? null : parse(crl));
        }
    }

    /** A CRL given as DER or PEM (the JDK's factory reads both). */
    static X509CRL parse(byte[] encoded) {
        try {
            return (X509CRL) CertificateFactory.getInstance("X.509").generateCRL(new ByteArrayInputStream(encoded));
        } catch (CRLException | CertificateException | ClassCastException | IllegalArgumentException e) {
            throw new InvalidInputException("crl", "must be an X.509 CRL (DER, or PEM -----BEGIN X509 CRL-----)");
        }
    }

    static byte[] der(X509CRL crl) {
        try {
            return crl.getEncoded();
        } catch (CRLException e) {
            throw new InvalidInputException("crl", "cannot be encoded again as DER");
        }
    }

    /** Refuses a CRL that {@code ca} did not sign. */
    static void requireIssuedBy(X509CRL crl, X509Certificate ca) {
        if (!crl.getIssuerX500Principal().equals(ca.getSubjectX500Principal())) {
            throw new InvalidInputException("crl", "is issued by '" + crl.getIssuerX500Principal().getName()
                    + "', not by this manufacturer CA");
        }
        try {
            crl.verify(ca.getPublicKey());
        } catch (GeneralSecurityException e) {
            throw new InvalidInputException("crl", "its signature does not verify with this manufacturer CA's key");
        }
    }

    /** Whether a CRL held by the CA that issued a certificate of the path lists it. */
    static boolean anyRevoked(List<X509Certificate> path, List<Anchor> anchors) {
        for (X509Certificate certificate : path) {
            for (Anchor anchor : anchors) {
                if (anchor.crl() != null && anchor.crl().getIssuerX500Principal().equals(certificate.getIssuerX500Principal())
                        && anchor.crl().isRevoked(certificate)) {
                    return true;
                }
            }
        }
        return false;
    }
}
