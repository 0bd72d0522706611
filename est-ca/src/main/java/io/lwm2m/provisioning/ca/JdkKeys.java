package io.lwm2m.provisioning.ca;

import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPairGenerator;
import java.security.NoSuchAlgorithmException;
import java.security.PrivateKey;
import java.security.Provider;
import java.security.PublicKey;
import java.security.Security;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.Locale;

/**
 * Produces keys from the JDK's own providers. If Bouncy Castle is registered first, the default chain would hand
 * out BC keys (algorithm "ECDSA" for keys it decodes), which Scandium rejects; the JDK providers always say "EC".
 */
final class JdkKeys {

    private JdkKeys() {
    }

    static KeyPairGenerator keyPairGenerator(String algorithm) throws NoSuchAlgorithmException {
        Provider jdk = jdkProvider(algorithm);
        return jdk != null ? KeyPairGenerator.getInstance(algorithm, jdk) : KeyPairGenerator.getInstance(algorithm);
    }

    static KeyFactory keyFactory(String algorithm) throws NoSuchAlgorithmException {
        Provider jdk = jdkProvider(algorithm);
        return jdk != null ? KeyFactory.getInstance(algorithm, jdk) : KeyFactory.getInstance(algorithm);
    }

    /** "EC" or "RSA" for the key algorithm OIDs we handle, else null. */
    static String algorithmForOid(String oid) {
        return switch (oid) {
            case "1.2.840.10045.2.1" -> "EC"; // id-ecPublicKey
            case "1.2.840.113549.1.1.1" -> "RSA"; // rsaEncryption
            default -> null;
        };
    }

    static PrivateKey privateKey(String algorithm, byte[] pkcs8) throws GeneralSecurityException {
        return keyFactory(algorithm).generatePrivate(new PKCS8EncodedKeySpec(pkcs8));
    }

    static PublicKey publicKey(String algorithm, byte[] subjectPublicKeyInfo) throws GeneralSecurityException {
        return keyFactory(algorithm).generatePublic(new X509EncodedKeySpec(subjectPublicKeyInfo));
    }

    /**
     * The same key as a JDK key when it is a software key of another provider (e.g. a BC "ECDSA" key from a
     * PKCS#12 file); keys that cannot be exported (HSM keys) are returned unchanged.
     */
    static PrivateKey normalize(PrivateKey key) {
        String algorithm = switch (key.getAlgorithm().toUpperCase(Locale.ROOT)) {
            case "EC", "ECDSA" -> "EC";
            case "RSA" -> "RSA";
            default -> null;
        };
        byte[] encoded = "PKCS#8".equals(key.getFormat()) ? key.getEncoded() : null;
        if (algorithm == null || encoded == null) {
            return key;
        }
        try {
            return privateKey(algorithm, encoded);
        } catch (GeneralSecurityException e) {
            return key;
        }
    }

    private static Provider jdkProvider(String algorithm) {
        return Security.getProvider("EC".equals(algorithm) ? "SunEC" : "SunRsaSign");
    }
}
