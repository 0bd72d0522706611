package io.lwm2m.provisioning.crypto;

import java.security.NoSuchAlgorithmException;
import java.security.Provider;
import java.security.Security;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.conscrypt.Conscrypt;

/**
 * Faster elliptic-curve arithmetic ahead of the JDK's, for elliptic curves only (decisions 023 and 083).
 * On JDK 17 SunEC's P-256 is 3 to 8 times slower than Bouncy Castle's, and Bouncy Castle's 4 to 9 times
 * slower than BoringSSL's (docs/benchmarks.md); every ECDHE handshake, certificate check and
 * certificate the CA signs pays for it. Installing a whole provider first would also move AES, HMAC,
 * SHA and TLS off the JDK, so this provider offers only the EC services (key generation, key factory,
 * ECDSA over SHA-2 or a given digest, ECDH), from one {@link Arithmetic}; everything else still comes
 * from the JDK. Keys stay interchangeable: each side accepts any {@code java.security.interfaces.EC*Key}.
 * A key a service cannot take (a PKCS#11 one) is refused by it, so the JCA moves on to the next provider.
 */
public final class EllipticCurveProvider extends Provider {

    public static final String NAME = "LwM2M-EC";

    /** Where the arithmetic comes from. */
    public enum Arithmetic {
        /** BoringSSL's, through Conscrypt's JNI library, where it loads: Linux and macOS on x86-64 and ARM64, Windows on x86-64. */
        NATIVE("BoringSSL through Conscrypt"),
        /** Bouncy Castle's Java code: everywhere. */
        BOUNCY_CASTLE("Bouncy Castle");

        private final String label;

        Arithmetic(String label) {
            this.label = label;
        }

        @Override
        public String toString() {
            return label;
        }
    }

    private static final String BC = "org.bouncycastle.jcajce.provider.asymmetric.ec.";
    private static final String EC_KEY = "1.2.840.10045.2.1";

    /** Type, algorithm, Bouncy Castle's class, aliases (the OIDs certificates and keys name them by). */
    private static final List<ServiceLine> SERVICES = List.of(
            new ServiceLine("KeyPairGenerator", "EC", BC + "KeyPairGeneratorSpi$EC", EC_KEY),
            new ServiceLine("KeyFactory", "EC", BC + "KeyFactorySpi$EC", EC_KEY),
            new ServiceLine("KeyAgreement", "ECDH", BC + "KeyAgreementSpi$DH"),
            new ServiceLine("Signature", "SHA256withECDSA", BC + "SignatureSpi$ecDSA256", "1.2.840.10045.4.3.2", "OID.1.2.840.10045.4.3.2"),
            new ServiceLine("Signature", "SHA384withECDSA", BC + "SignatureSpi$ecDSA384", "1.2.840.10045.4.3.3", "OID.1.2.840.10045.4.3.3"),
            new ServiceLine("Signature", "SHA512withECDSA", BC + "SignatureSpi$ecDSA512", "1.2.840.10045.4.3.4", "OID.1.2.840.10045.4.3.4"),
            // Over a digest computed by the caller: Bouncy Castle's content verifiers (a CSR's, a certificate holder's) verify with it.
            new ServiceLine("Signature", "NONEwithECDSA", BC + "SignatureSpi$ecDSAnone"));

    private record ServiceLine(String type, String algorithm, String bouncyCastleClass, String... aliases) {
    }

    private final Arithmetic arithmetic;

    private EllipticCurveProvider(Arithmetic arithmetic, Provider conscrypt) {
        super(NAME, "2.0", "EC key generation, key factory, ECDSA and ECDH from " + arithmetic + ", ahead of SunEC");
        this.arithmetic = arithmetic;
        for (ServiceLine line : SERVICES) {
            List<String> aliases = List.of(line.aliases());
            if (conscrypt == null) {
                putService(new Service(this, line.type(), line.algorithm(), line.bouncyCastleClass(), aliases, Map.of()));
            } else {
                Service offered = conscrypt.getService(line.type(), line.algorithm());
                if (offered == null) {
                    throw new IllegalStateException(conscrypt.getName() + " offers no " + line.type() + "." + line.algorithm());
                }
                putService(new Delegated(this, offered, aliases));
            }
        }
    }

    /** Puts the fastest arithmetic this platform has first, once per JVM: native where it loads, else Bouncy Castle's. */
    public static Arithmetic install() {
        return install(Conscrypt.isAvailable() ? Arithmetic.NATIVE : Arithmetic.BOUNCY_CASTLE);
    }

    /**
     * Puts the given arithmetic first, once per JVM, before any TLS or DTLS stack caches its algorithms.
     *
     * @throws IllegalStateException if it is native and Conscrypt's library does not load here (the reason is the cause)
     */
    public static synchronized Arithmetic install(Arithmetic arithmetic) {
        Optional<Arithmetic> installed = installed();
        if (installed.isPresent()) {
            return installed.get();
        }
        Provider conscrypt = null;
        if (arithmetic == Arithmetic.NATIVE) {
            try {
                Conscrypt.checkAvailability();
            } catch (UnsatisfiedLinkError e) {
                throw new IllegalStateException("Conscrypt's native library does not load on " + System.getProperty("os.name")
                        + " " + System.getProperty("os.arch") + ": " + e.getMessage(), e);
            }
            conscrypt = Conscrypt.newProvider();
        }
        Security.insertProviderAt(new EllipticCurveProvider(arithmetic, conscrypt), 1);
        return arithmetic;
    }

    /**
     * Whether BoringSSL's arithmetic is installed: then the JCA is the fastest way to EC work, and code that
     * otherwise calls Bouncy Castle's lightweight API directly (the CA's signatures, the CSR check) goes through it.
     */
    public static boolean nativeInstalled() {
        return installed().orElse(null) == Arithmetic.NATIVE;
    }

    /** The arithmetic installed, if any (for the start log and the tests). */
    public static Optional<Arithmetic> installed() {
        return Security.getProvider(NAME) instanceof EllipticCurveProvider ours ? Optional.of(ours.arithmetic) : Optional.empty();
    }

    /** Conscrypt's service under this provider's name: the JCA sees one provider, whatever the arithmetic. */
    private static final class Delegated extends Service {

        private final Service target;

        Delegated(Provider owner, Service target, List<String> aliases) {
            super(owner, target.getType(), target.getAlgorithm(), target.getClassName(), aliases, Map.of());
            this.target = target;
        }

        @Override
        public Object newInstance(Object parameter) throws NoSuchAlgorithmException {
            return target.newInstance(parameter);
        }

        @Override
        public boolean supportsParameter(Object parameter) {
            return target.supportsParameter(parameter);
        }
    }
}
