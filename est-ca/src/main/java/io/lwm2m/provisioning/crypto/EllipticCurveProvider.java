package io.lwm2m.provisioning.crypto;

import java.security.Provider;
import java.security.Security;

/**
 * Bouncy Castle's elliptic-curve arithmetic ahead of the JDK's, for elliptic curves only. On JDK 17
 * SunEC's P-256 is 3 to 8 times slower than Bouncy Castle's (key generation, ECDSA signing and
 * verification, ECDH; docs/benchmarks.md), and every ECDHE handshake, certificate check and
 * certificate the CA signs pays for it. Installing Bouncy Castle's whole provider first would also
 * move AES, HMAC and SHA off the JDK's intrinsics, so this provider offers only the EC services,
 * implemented by Bouncy Castle's classes; everything else still comes from the JDK. Keys stay
 * interchangeable: both sides accept any {@code java.security.interfaces.EC*Key}. A PKCS#11 key is
 * refused by these services, so the JCA moves on to the token's provider.
 */
public final class EllipticCurveProvider extends Provider {

    public static final String NAME = "LwM2M-EC";

    private static final String EC = "org.bouncycastle.jcajce.provider.asymmetric.ec.";

    private EllipticCurveProvider() {
        super(NAME, "1.0", "Bouncy Castle's EC key generation, key factory, ECDSA and ECDH, ahead of SunEC");
        put("KeyPairGenerator.EC", EC + "KeyPairGeneratorSpi$EC");
        put("KeyFactory.EC", EC + "KeyFactorySpi$EC");
        put("KeyAgreement.ECDH", EC + "KeyAgreementSpi$DH");
        put("Signature.SHA256withECDSA", EC + "SignatureSpi$ecDSA256");
        put("Signature.SHA384withECDSA", EC + "SignatureSpi$ecDSA384");
        put("Signature.SHA512withECDSA", EC + "SignatureSpi$ecDSA512");
        for (String type : new String[] {"KeyPairGenerator", "KeyFactory"}) {
            put("Alg.Alias." + type + ".1.2.840.10045.2.1", "EC");
        }
        put("Alg.Alias.Signature.1.2.840.10045.4.3.2", "SHA256withECDSA");
        put("Alg.Alias.Signature.1.2.840.10045.4.3.3", "SHA384withECDSA");
        put("Alg.Alias.Signature.1.2.840.10045.4.3.4", "SHA512withECDSA");
        put("Alg.Alias.Signature.OID.1.2.840.10045.4.3.2", "SHA256withECDSA");
        put("Alg.Alias.Signature.OID.1.2.840.10045.4.3.3", "SHA384withECDSA");
        put("Alg.Alias.Signature.OID.1.2.840.10045.4.3.4", "SHA512withECDSA");
    }

    /** Puts the provider first, once per JVM; before any TLS or DTLS stack caches its algorithms. */
    public static synchronized void install() {
        if (Security.getProvider(NAME) == null) {
            Security.insertProviderAt(new EllipticCurveProvider(), 1);
        }
    }

    /** Whether it is installed (for the start log and the tests). */
    public static boolean installed() {
        return Security.getProvider(NAME) != null;
    }
}
