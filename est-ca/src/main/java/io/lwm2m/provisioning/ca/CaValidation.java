package io.lwm2m.provisioning.ca;

import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.Provider;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.interfaces.RSAKey;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.List;
import java.util.Locale;

/**
 * The checks an operator-supplied issuing CA must pass before we sign with it, so that a wrong file is refused at
 * import rather than discovered when devices reject their certificates.
 */
final class CaValidation {

    private static final int KEY_USAGE_KEY_CERT_SIGN = 5;
    private static final int MIN_RSA_BITS = 2048;

    private CaValidation() {
    }

    /** @param keyProvider the provider holding {@code key} (PKCS#11), or null for software keys */
    static void check(List<X509Certificate> chain, PrivateKey key, Provider keyProvider, Instant now) {
        if (chain.isEmpty()) {
            throw new CaImportException("CA chain is empty: the issuing CA certificate must come first");
        }
        X509Certificate issuing = chain.get(0);
        checkKeyAlgorithm(issuing);
        checkKeyMatches(issuing, key, keyProvider);
        checkIsCa(issuing);
        for (int i = 0; i + 1 < chain.size(); i++) {
            checkSignedByNext(chain, i);
        }
        for (int i = 0; i < chain.size(); i++) {
            X509Certificate certificate = chain.get(i);
            if (certificate.getNotAfter().toInstant().isBefore(now)) {
                throw new CaImportException("CA chain: certificate " + (i + 1) + " (" + subject(certificate)
                        + ") expired on " + certificate.getNotAfter().toInstant());
            }
        }
    }

    private static void checkKeyAlgorithm(X509Certificate issuing) {
        PublicKey publicKey = issuing.getPublicKey();
        try {
            Certificates.signatureAlgorithm(publicKey);
        } catch (IllegalArgumentException e) {
            throw new CaImportException("CA certificate " + subject(issuing) + ": key algorithm "
                    + publicKey.getAlgorithm() + " is not supported, expected EC or RSA");
        }
        if (publicKey instanceof RSAKey rsa && rsa.getModulus().bitLength() < MIN_RSA_BITS) {
            throw new CaImportException("CA certificate " + subject(issuing) + ": RSA key of "
                    + rsa.getModulus().bitLength() + " bits is too weak, at least " + MIN_RSA_BITS + " required");
        }
    }

    /** Proves possession by signing a random challenge: comparing encodings would not work for HSM keys. */
    private static void checkKeyMatches(X509Certificate issuing, PrivateKey key, Provider keyProvider) {
        PublicKey publicKey = issuing.getPublicKey();
        String keyFamily = family(key.getAlgorithm());
        if (!keyFamily.equals(family(publicKey.getAlgorithm()))) {
            throw new CaImportException("CA private key is " + keyFamily + " but the certificate " + subject(issuing)
                    + " holds a " + family(publicKey.getAlgorithm()) + " key: they do not belong together");
        }
        String algorithm = Certificates.signatureAlgorithm(publicKey);
        byte[] challenge = new byte[32];
        new SecureRandom().nextBytes(challenge);
        boolean matches;
        try {
            Signature signer = keyProvider != null
                    ? Signature.getInstance(algorithm, keyProvider) : Signature.getInstance(algorithm);
            signer.initSign(key);
            signer.update(challenge);
            byte[] signature = signer.sign();
            Signature verifier = Signature.getInstance(algorithm);
            verifier.initVerify(publicKey);
            verifier.update(challenge);
            matches = verifier.verify(signature);
        } catch (GeneralSecurityException | RuntimeException e) {
            // A key on another curve or of another size fails here rather than at verify(); same meaning.
            matches = false;
        }
        if (!matches) {
            throw new CaImportException("CA private key does not match the public key of the first certificate ("
                    + subject(issuing) + ")");
        }
    }

    private static void checkIsCa(X509Certificate issuing) {
        if (issuing.getBasicConstraints() < 0) {
            throw new CaImportException("CA certificate " + subject(issuing)
                    + " is not a CA: basicConstraints cA=true is missing");
        }
        boolean[] keyUsage = issuing.getKeyUsage();
        if (keyUsage != null && (keyUsage.length <= KEY_USAGE_KEY_CERT_SIGN || !keyUsage[KEY_USAGE_KEY_CERT_SIGN])) {
            throw new CaImportException("CA certificate " + subject(issuing)
                    + " may not sign certificates: its keyUsage lacks keyCertSign");
        }
    }

    private static void checkSignedByNext(List<X509Certificate> chain, int index) {
        X509Certificate certificate = chain.get(index);
        X509Certificate signer = chain.get(index + 1);
        String problem = "CA chain: certificate " + (index + 1) + " (" + subject(certificate)
                + ") is not signed by certificate " + (index + 2) + " (" + subject(signer) + ")";
        if (!certificate.getIssuerX500Principal().equals(signer.getSubjectX500Principal())) {
            throw new CaImportException(problem + ": its issuer is " + certificate.getIssuerX500Principal().getName());
        }
        try {
            certificate.verify(signer.getPublicKey());
        } catch (GeneralSecurityException e) {
            throw new CaImportException(problem + ": the signature does not verify with that certificate's key");
        }
    }

    private static String family(String keyAlgorithm) {
        String upper = keyAlgorithm.toUpperCase(Locale.ROOT);
        return upper.equals("ECDSA") ? "EC" : upper;
    }

    private static String subject(X509Certificate certificate) {
        return certificate.getSubjectX500Principal().getName();
    }
}
