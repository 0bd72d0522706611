package io.lwm2m.provisioning.crypto;

import static org.assertj.core.api.Assertions.assertThat;

import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Provider;
import java.security.Security;
import java.security.Signature;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import javax.crypto.KeyAgreement;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The EC provider serves EC and only EC, and its keys, signatures and secrets interoperate with SunEC's. */
class EllipticCurveProviderTest {

    private static final Provider JDK = Security.getProvider("SunEC");

    @BeforeAll
    static void install() {
        EllipticCurveProvider.install();
        EllipticCurveProvider.install(); // twice: still once
    }

    /** The JVM's providers as this class found them: the module's other tests run with the JDK's, whatever the order. */
    @AfterAll
    static void uninstall() {
        Security.removeProvider(EllipticCurveProvider.NAME);
    }

    @Test
    void servesEllipticCurvesFirstAndNothingElse() throws Exception {
        assertThat(Security.getProviders()[0].getName()).isEqualTo(EllipticCurveProvider.NAME);
        assertThat(Security.getProviders()).filteredOn(p -> p.getName().equals(EllipticCurveProvider.NAME)).hasSize(1);
        assertThat(KeyPairGenerator.getInstance("EC").getProvider().getName()).isEqualTo(EllipticCurveProvider.NAME);
        assertThat(KeyFactory.getInstance("EC").getProvider().getName()).isEqualTo(EllipticCurveProvider.NAME);
        assertThat(KeyAgreement.getInstance("ECDH").getProvider().getName()).isEqualTo(EllipticCurveProvider.NAME);
        assertThat(KeyFactory.getInstance("1.2.840.10045.2.1").getProvider().getName()).isEqualTo(EllipticCurveProvider.NAME);
        // AES, HMAC, SHA and RSA keep the JDK's (intrinsic) implementations.
        assertThat(javax.crypto.Cipher.getInstance("AES/GCM/NoPadding").getProvider().getName()).isEqualTo("SunJCE");
        assertThat(javax.crypto.Mac.getInstance("HmacSHA256").getProvider().getName()).isEqualTo("SunJCE");
        assertThat(java.security.MessageDigest.getInstance("SHA-256").getProvider().getName()).isEqualTo("SUN");
        assertThat(KeyPairGenerator.getInstance("RSA").getProvider().getName()).isEqualTo("SunRsaSign");
    }

    @ParameterizedTest
    @ValueSource(strings = {"SHA256withECDSA", "SHA384withECDSA", "SHA512withECDSA", "1.2.840.10045.4.3.2"})
    void signaturesVerifyAcrossProviders(String algorithm) throws Exception {
        KeyPair ours = generate(null);
        KeyPair jdks = generate(JDK);
        byte[] message = "Bootstrap-Finish".getBytes();
        assertThat(Signature.getInstance(algorithm).getProvider().getName()).isEqualTo(EllipticCurveProvider.NAME);
        assertThat(verify(algorithm, JDK, ours, sign(algorithm, null, ours, message), message)).as("ours signed, SunEC verifies").isTrue();
        assertThat(verify(algorithm, null, jdks, sign(algorithm, JDK, jdks, message), message)).as("SunEC signed, ours verifies").isTrue();
        assertThat(verify(algorithm, null, ours, sign(algorithm, null, ours, message), "other".getBytes())).isFalse();
    }

    @Test
    void bothSidesAgreeOnTheEcdhSecretAndOnEncodedKeys() throws Exception {
        KeyPair ours = generate(null);
        KeyPair jdks = generate(JDK);
        KeyAgreement mine = KeyAgreement.getInstance("ECDH");
        mine.init(ours.getPrivate());
        mine.doPhase(jdks.getPublic(), true);
        KeyAgreement theirs = KeyAgreement.getInstance("ECDH", JDK);
        theirs.init(jdks.getPrivate());
        theirs.doPhase(ours.getPublic(), true);
        assertThat(mine.generateSecret()).isEqualTo(theirs.generateSecret()).hasSize(32);

        KeyFactory jdkFactory = KeyFactory.getInstance("EC", JDK);
        assertThat(jdkFactory.generatePublic(new X509EncodedKeySpec(ours.getPublic().getEncoded())).getEncoded())
                .isEqualTo(ours.getPublic().getEncoded());
        assertThat(KeyFactory.getInstance("EC").generatePrivate(new PKCS8EncodedKeySpec(jdks.getPrivate().getEncoded())))
                .isInstanceOf(java.security.interfaces.ECPrivateKey.class);
    }

    private static KeyPair generate(Provider provider) throws Exception {
        KeyPairGenerator generator = provider == null ? KeyPairGenerator.getInstance("EC") : KeyPairGenerator.getInstance("EC", provider);
        generator.initialize(new ECGenParameterSpec("secp256r1"));
        return generator.generateKeyPair();
    }

    private static byte[] sign(String algorithm, Provider provider, KeyPair keys, byte[] message) throws Exception {
        Signature signature = provider == null ? Signature.getInstance(algorithm) : Signature.getInstance(algorithm, provider);
        signature.initSign(keys.getPrivate());
        signature.update(message);
        return signature.sign();
    }

    private static boolean verify(String algorithm, Provider provider, KeyPair keys, byte[] signed, byte[] message) throws Exception {
        Signature signature = provider == null ? Signature.getInstance(algorithm) : Signature.getInstance(algorithm, provider);
        signature.initVerify(keys.getPublic());
        signature.update(message);
        return signature.verify(signed);
    }
}
