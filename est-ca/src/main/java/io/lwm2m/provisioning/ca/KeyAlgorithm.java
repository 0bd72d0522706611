package io.lwm2m.provisioning.ca;

import java.security.AlgorithmParameters;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.AlgorithmParameterSpec;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.ECParameterSpec;
import java.security.spec.RSAKeyGenParameterSpec;
import java.util.Objects;
import java.util.Optional;

/** The key types the CA generates and accepts for its own keys, with the signature algorithm that goes with each. */
public enum KeyAlgorithm {
    EC_P256("P-256", "EC", "secp256r1", 256, "SHA256withECDSA"),
    EC_P384("P-384", "EC", "secp384r1", 384, "SHA384withECDSA"),
    RSA_2048("RSA-2048", "RSA", null, 2048, "SHA256withRSA"),
    RSA_3072("RSA-3072", "RSA", null, 3072, "SHA256withRSA");

    private final String alias;
    private final String jcaAlgorithm;
    private final String curve;
    private final int bits;
    private final String signatureAlgorithm;

    KeyAlgorithm(String alias, String jcaAlgorithm, String curve, int bits, String signatureAlgorithm) {
        this.alias = alias;
        this.jcaAlgorithm = jcaAlgorithm;
        this.curve = curve;
        this.bits = bits;
        this.signatureAlgorithm = signatureAlgorithm;
    }

    /**
     * A fresh key pair from the JDK provider ("EC"/"RSA" keys): Scandium only accepts keys whose algorithm is
     * "EC", which Bouncy Castle's "ECDSA" keys are not.
     */
    public KeyPair generate(SecureRandom random) {
        Objects.requireNonNull(random, "random");
        try {
            KeyPairGenerator generator = JdkKeys.keyPairGenerator(jcaAlgorithm);
            AlgorithmParameterSpec spec = curve != null
                    ? new ECGenParameterSpec(curve)
                    : new RSAKeyGenParameterSpec(bits, RSAKeyGenParameterSpec.F4);
            generator.initialize(spec, random);
            return generator.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("this JRE cannot generate " + alias + " keys", e);
        }
    }

    public String signatureAlgorithm() {
        return signatureAlgorithm;
    }

    /** Accepts the enum name ("ec_p256") or the usual spelling ("P-256", "RSA-2048"), ignoring case and spaces. */
    public static Optional<KeyAlgorithm> fromName(String name) {
        if (name == null) {
            return Optional.empty();
        }
        String wanted = name.trim();
        for (KeyAlgorithm algorithm : values()) {
            if (algorithm.name().equalsIgnoreCase(wanted) || algorithm.alias.equalsIgnoreCase(wanted)) {
                return Optional.of(algorithm);
            }
        }
        return Optional.empty();
    }

    /** The algorithm of an existing key; IllegalArgumentException for others (e.g. P-521, RSA-4096, Ed25519). */
    public static KeyAlgorithm of(PublicKey key) {
        Objects.requireNonNull(key, "key");
        if (key instanceof ECPublicKey ec) {
            for (KeyAlgorithm algorithm : values()) {
                // Compare the whole domain, not only the size: brainpoolP256r1 is also a 256-bit curve.
                if (algorithm.curve != null && sameCurve(ec.getParams(), algorithm.curveParameters())) {
                    return algorithm;
                }
            }
            throw new IllegalArgumentException("unsupported EC key: curve of " + ec.getParams().getCurve().getField()
                    .getFieldSize() + " bits is not P-256 or P-384");
        }
        if (key instanceof RSAPublicKey rsa) {
            int size = rsa.getModulus().bitLength();
            for (KeyAlgorithm algorithm : values()) {
                if (algorithm.curve == null && algorithm.bits == size) {
                    return algorithm;
                }
            }
            throw new IllegalArgumentException("unsupported RSA key size " + size + " bits: expected 2048 or 3072");
        }
        throw new IllegalArgumentException("unsupported key algorithm " + key.getAlgorithm()
                + ": expected EC (P-256, P-384) or RSA (2048, 3072)");
    }

    private ECParameterSpec curveParameters() {
        try {
            AlgorithmParameters parameters = AlgorithmParameters.getInstance("EC");
            parameters.init(new ECGenParameterSpec(curve));
            return parameters.getParameterSpec(ECParameterSpec.class);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("this JRE does not know curve " + curve, e);
        }
    }

    private static boolean sameCurve(ECParameterSpec a, ECParameterSpec b) {
        // ECParameterSpec has no equals(); the field, coefficients, generator and order identify a named curve.
        return a.getCurve().equals(b.getCurve())
                && a.getGenerator().equals(b.getGenerator())
                && a.getOrder().equals(b.getOrder())
                && a.getCofactor() == b.getCofactor();
    }
}
