package io.lwm2m.provisioning.crypto;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lwm2m.provisioning.crypto.EllipticCurveProvider.Arithmetic;
import io.lwm2m.provisioning.est.CsrCheck;
import io.lwm2m.provisioning.est.EstException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Provider;
import java.security.PublicKey;
import java.security.Security;
import java.security.Signature;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import javax.crypto.KeyAgreement;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.operator.jcajce.JcaContentVerifierProviderBuilder;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;
import org.bouncycastle.pkcs.jcajce.JcaPKCS10CertificationRequest;
import org.bouncycastle.pkcs.jcajce.JcaPKCS10CertificationRequestBuilder;
import org.conscrypt.Conscrypt;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The EC provider serves EC and only EC, with either arithmetic, and its keys, signatures and secrets
 * interoperate with SunEC's. This machine's platform must load the native one (Linux x86-64 in CI).
 */
class EllipticCurveProviderTest {

    private static final Provider JDK = Security.getProvider("SunEC");

    /** The JVM's providers as each test found them: the module's other tests run with the JDK's, whatever the order. */
    @AfterEach
    void uninstall() {
        Security.removeProvider(EllipticCurveProvider.NAME);
    }

    private static void use(Arithmetic arithmetic) {
        Security.removeProvider(EllipticCurveProvider.NAME);
        assertThat(EllipticCurveProvider.install(arithmetic)).isEqualTo(arithmetic);
        assertThat(EllipticCurveProvider.installed()).contains(arithmetic);
    }

    @Test
    void installsTheNativeArithmeticWhereItLoadsAndOnlyOnce() {
        assertThat(Conscrypt.isAvailable()).as("Conscrypt's library loads on " + System.getProperty("os.arch")).isTrue();
        assertThat(EllipticCurveProvider.installed()).isEmpty();
        assertThat(EllipticCurveProvider.install()).isEqualTo(Arithmetic.NATIVE);
        assertThat(EllipticCurveProvider.install(Arithmetic.BOUNCY_CASTLE)).as("once per JVM: the first choice stays").isEqualTo(Arithmetic.NATIVE);
        assertThat(Security.getProviders()).filteredOn(p -> p.getName().equals(EllipticCurveProvider.NAME)).hasSize(1);
    }

    @ParameterizedTest
    @EnumSource(Arithmetic.class)
    void servesEllipticCurvesFirstAndNothingElse(Arithmetic arithmetic) throws Exception {
        use(arithmetic);
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
    @CsvSource({"NATIVE, SHA256withECDSA", "NATIVE, SHA384withECDSA", "NATIVE, SHA512withECDSA", "NATIVE, 1.2.840.10045.4.3.2",
        "BOUNCY_CASTLE, SHA256withECDSA", "BOUNCY_CASTLE, SHA384withECDSA", "BOUNCY_CASTLE, SHA512withECDSA", "BOUNCY_CASTLE, 1.2.840.10045.4.3.2"})
    void signaturesVerifyAcrossProviders(Arithmetic arithmetic, String algorithm) throws Exception {
        use(arithmetic);
        KeyPair ours = generate(null);
        KeyPair jdks = generate(JDK);
        byte[] message = "Bootstrap-Finish".getBytes();
        assertThat(Signature.getInstance(algorithm).getProvider().getName()).isEqualTo(EllipticCurveProvider.NAME);
        assertThat(verify(algorithm, JDK, ours, sign(algorithm, null, ours, message), message)).as("ours signed, SunEC verifies").isTrue();
        assertThat(verify(algorithm, null, jdks, sign(algorithm, JDK, jdks, message), message)).as("SunEC signed, ours verifies").isTrue();
        assertThat(verify(algorithm, null, ours, sign(algorithm, null, ours, message), "other".getBytes())).isFalse();
    }

    @ParameterizedTest
    @EnumSource(Arithmetic.class)
    void bothSidesAgreeOnTheEcdhSecretAndOnEncodedKeys(Arithmetic arithmetic) throws Exception {
        use(arithmetic);
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

    /** Bouncy Castle's content verifiers (a CSR's signature check) verify a digest they computed with NONEwithECDSA. */
    @ParameterizedTest
    @EnumSource(Arithmetic.class)
    void aCsrSignatureIsCheckedOnTheSameArithmetic(Arithmetic arithmetic) throws Exception {
        use(arithmetic);
        assertThat(Signature.getInstance("NONEwithECDSA").getProvider().getName()).isEqualTo(EllipticCurveProvider.NAME);
        KeyPair device = generate(JDK);
        PKCS10CertificationRequest csr = new JcaPKCS10CertificationRequestBuilder(new X500Name("CN=urn:dev:ops:1"), device.getPublic())
                .build(new JcaContentSignerBuilder("SHA256withECDSA").setProvider(JDK).build(device.getPrivate()));
        PublicKey key = new JcaPKCS10CertificationRequest(csr).getPublicKey();
        assertThat(csr.isSignatureValid(new JcaContentVerifierProviderBuilder().build(key))).isTrue();
        assertThat(csr.isSignatureValid(new JcaContentVerifierProviderBuilder().build(generate(JDK).getPublic()))).isFalse();
    }

    /** The EST CSR check, whichever arithmetic serves it: a good self-signature passes, another key's fails. */
    @ParameterizedTest
    @EnumSource(Arithmetic.class)
    void theEstCsrCheckVerifiesEachSignatureOnTheInstalledArithmetic(Arithmetic arithmetic) throws Exception {
        use(arithmetic);
        KeyPair device = generate(JDK);
        X500Name subject = new X500Name("CN=urn:dev:ops:1");
        byte[] good = new JcaPKCS10CertificationRequestBuilder(subject, device.getPublic())
                .build(new JcaContentSignerBuilder("SHA256withECDSA").setProvider(JDK).build(device.getPrivate())).getEncoded();
        assertThat(CsrCheck.verify(good).commonNames()).containsExactly("urn:dev:ops:1");
        byte[] forged = new JcaPKCS10CertificationRequestBuilder(subject, device.getPublic())
                .build(new JcaContentSignerBuilder("SHA256withECDSA").setProvider(JDK).build(generate(JDK).getPrivate()))
                .getEncoded();
        assertThatThrownBy(() -> CsrCheck.verify(forged)).isInstanceOfSatisfying(EstException.class,
                e -> assertThat(e.rule()).isEqualTo("csr.signature"));
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
