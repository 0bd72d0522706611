package io.lwm2m.provisioning.certificates;

import io.lwm2m.provisioning.crypto.Der;
import java.security.GeneralSecurityException;
import java.security.PublicKey;
import java.security.cert.CertPathValidator;
import java.security.cert.CertificateFactory;
import java.security.cert.PKIXParameters;
import java.security.cert.TrustAnchor;
import java.security.cert.X509Certificate;
import java.util.Arrays;
import java.util.Date;
import java.util.List;
import java.util.Set;
import javax.security.auth.x500.X500Principal;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * This CA's chain (issuing CA first, root last) as a relying party checks a certificate against it:
 * the chain's own signatures, name chaining and CA constraints validated once with PKIX when the CA
 * is loaded (they cannot change), its dates at each use, and the issuing key decoded once by the
 * current provider (decision 080).
 *
 * @param issuingKey the issuing CA's public key as the current provider's key object: a key object of
 *                   another provider is converted again at every verification
 * @param sound      whether PKIX accepted the chain
 */
record IssuingChain(List<X509Certificate> certificates, PublicKey issuingKey, boolean sound) {

    private static final Logger log = LoggerFactory.getLogger(IssuingChain.class);

    static IssuingChain of(List<X509Certificate> chain) {
        return new IssuingChain(List.copyOf(chain), decoded(chain.get(0).getPublicKey()), validate(chain));
    }

    X509Certificate issuing() {
        return certificates.get(0);
    }

    /**
     * Whether {@code certificate} names the issuing CA as its issuer (cheap: no signature check). The
     * same DER is the same name, found without canonicalizing both names as RFC 5280's comparison does
     * (a measurable part of an X.509 handshake); only other encodings get that comparison.
     */
    boolean namedAsIssuer(X509Certificate certificate) {
        X500Principal issuer = certificate.getIssuerX500Principal();
        X500Principal ours = issuing().getSubjectX500Principal();
        return Arrays.equals(issuer.getEncoded(), ours.getEncoded()) || issuer.equals(ours);
    }

    /**
     * Whether the issuing CA's key verifies {@code certificate}'s signature; ask {@link #namedAsIssuer}
     * first. Says nothing of dates or revocation.
     */
    boolean signed(X509Certificate certificate) {
        try {
            certificate.verify(issuingKey);
            return true;
        } catch (GeneralSecurityException e) {
            return false;
        }
    }

    /**
     * Whether a certificate it signed is valid at {@code date} as far as the chain goes: the chain is
     * sound, and the certificate and every CA certificate but the root are within their dates (PKIX
     * never checked a trust anchor's dates either).
     */
    boolean validAt(X509Certificate certificate, Date date) {
        return sound && within(certificate, date) && certificates.subList(0, certificates.size() - 1).stream()
                .allMatch(c -> within(c, date));
    }

    private static boolean within(X509Certificate certificate, Date date) {
        try {
            certificate.checkValidity(date);
            return true;
        } catch (GeneralSecurityException e) {
            return false;
        }
    }

    /** PKIX over the chain, at a date inside every certificate of it: its dates are checked at each use. */
    private static boolean validate(List<X509Certificate> chain) {
        if (chain.size() < 2) {
            return true; // an issuing CA imported without its root is the trust anchor itself
        }
        try {
            Date inside = chain.stream().map(X509Certificate::getNotBefore).max(Date::compareTo).orElseThrow();
            PKIXParameters parameters = new PKIXParameters(Set.of(new TrustAnchor(chain.get(chain.size() - 1), null)));
            parameters.setRevocationEnabled(false);
            parameters.setDate(inside);
            CertPathValidator.getInstance("PKIX").validate(CertificateFactory.getInstance("X.509")
                    .generateCertPath(chain.subList(0, chain.size() - 1)), parameters);
            return true;
        } catch (GeneralSecurityException e) {
            log.error("This CA's own chain does not validate ({}); no certificate it issued is accepted", e.getMessage());
            return false;
        }
    }

    private static PublicKey decoded(PublicKey key) {
        try {
            return Der.publicKey(key.getEncoded());
        } catch (IllegalArgumentException e) {
            return key;
        }
    }
}
