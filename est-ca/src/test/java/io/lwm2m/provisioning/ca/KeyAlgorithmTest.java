package io.lwm2m.provisioning.ca;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.spec.ECGenParameterSpec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;

/** Key generation, naming and detection of the supported key types. */
class KeyAlgorithmTest {

    private final SecureRandom random = new SecureRandom();

    @ParameterizedTest
    @EnumSource(KeyAlgorithm.class)
    void generatesJdkKeysNamedEcOrRsa(KeyAlgorithm algorithm) {
        KeyPair pair = algorithm.generate(random);

        String expected = algorithm.name().startsWith("EC") ? "EC" : "RSA";
        assertThat(pair.getPrivate().getAlgorithm()).isEqualTo(expected);
        assertThat(pair.getPublic().getAlgorithm()).isEqualTo(expected);
    }

    @ParameterizedTest
    @EnumSource(KeyAlgorithm.class)
    void detectsTheAlgorithmOfTheKeysItGenerates(KeyAlgorithm algorithm) {
        assertThat(KeyAlgorithm.of(algorithm.generate(random).getPublic())).isEqualTo(algorithm);
    }

    @ParameterizedTest
    @EnumSource(KeyAlgorithm.class)
    void signsAndVerifiesWithItsSignatureAlgorithm(KeyAlgorithm algorithm) throws Exception {
        KeyPair pair = algorithm.generate(random);
        Signature signer = Signature.getInstance(algorithm.signatureAlgorithm());
        signer.initSign(pair.getPrivate());
        signer.update(new byte[] {1, 2, 3});
        byte[] signature = signer.sign();

        Signature verifier = Signature.getInstance(algorithm.signatureAlgorithm());
        verifier.initVerify(pair.getPublic());
        verifier.update(new byte[] {1, 2, 3});
        assertThat(verifier.verify(signature)).isTrue();
    }

    @ParameterizedTest
    @CsvSource({"EC_P256,SHA256withECDSA", "EC_P384,SHA384withECDSA", "RSA_2048,SHA256withRSA",
        "RSA_3072,SHA256withRSA"})
    void namesTheSignatureAlgorithm(KeyAlgorithm algorithm, String signatureAlgorithm) {
        assertThat(algorithm.signatureAlgorithm()).isEqualTo(signatureAlgorithm);
    }

    @ParameterizedTest
    @CsvSource({"EC_P256,EC_P256", "ec_p384,EC_P384", "P-256,EC_P256", "p-384,EC_P384", "RSA-2048,RSA_2048",
        "rsa-3072,RSA_3072", "' RSA_2048 ',RSA_2048"})
    void findsAlgorithmsByNameIgnoringCase(String name, KeyAlgorithm expected) {
        assertThat(KeyAlgorithm.fromName(name)).contains(expected);
    }

    @Test
    void findsNothingForUnknownOrMissingNames() {
        assertThat(KeyAlgorithm.fromName("P-521")).isEmpty();
        assertThat(KeyAlgorithm.fromName("")).isEmpty();
        assertThat(KeyAlgorithm.fromName(null)).isEmpty();
    }

    @Test
    void rejectsP521KeysNamingTheCurveSize() throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
        generator.initialize(new ECGenParameterSpec("secp521r1"));

        assertThatIllegalArgumentException().isThrownBy(() -> KeyAlgorithm.of(generator.generateKeyPair().getPublic()))
                .withMessageContaining("521 bits");
    }

    @Test
    void rejectsRsaKeysOfOtherSizesNamingTheSize() throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
        generator.initialize(1024);

        assertThatIllegalArgumentException().isThrownBy(() -> KeyAlgorithm.of(generator.generateKeyPair().getPublic()))
                .withMessage("unsupported RSA key size 1024 bits: expected 2048 or 3072");
    }

    @Test
    void rejectsOtherKeyTypesNamingTheAlgorithm() throws Exception {
        KeyPair ed25519 = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();

        assertThatIllegalArgumentException().isThrownBy(() -> KeyAlgorithm.of(ed25519.getPublic()))
                .withMessageStartingWith("unsupported key algorithm EdDSA");
    }
}
