package io.lwm2m.provisioning.crypto;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;

/** Envelope encryption of secrets at rest. */
class SecretCipherTest {

    private static final byte[] OLD_KEK = filled(0x11);
    private static final byte[] NEW_KEK = filled(0x22);
    private static final byte[] SECRET = "0123456789abcdef-psk".getBytes(StandardCharsets.UTF_8);
    private static final String CONTEXT = "device:urn:dev:1/credential:7";

    private final SecureRandom random = new SecureRandom();
    private final SecretCipher v1 = new SecretCipher(new KeyEncryptionKeys(1, OLD_KEK), random);

    @Test
    void opensWhatItSealed() {
        SealedSecret sealed = v1.seal(SECRET, CONTEXT);

        assertThat(v1.open(sealed, CONTEXT)).isEqualTo(SECRET);
    }

    @Test
    void sealsUnderTheCurrentKekVersion() {
        SecretCipher v2 = new SecretCipher(new KeyEncryptionKeys(2, NEW_KEK).add(1, OLD_KEK), random);

        assertThat(v2.seal(SECRET, CONTEXT).kekVersion()).isEqualTo(2);
    }

    @Test
    void neverStoresThePlaintext() {
        SealedSecret sealed = v1.seal(SECRET, CONTEXT);

        assertThat(indexOf(sealed.ciphertext(), SECRET)).isEqualTo(-1);
        // 12-byte nonce + ciphertext + 16-byte tag
        assertThat(sealed.ciphertext()).hasSize(12 + SECRET.length + 16);
        assertThat(sealed.wrappedDataKey()).hasSize(12 + 32 + 16);
    }

    @Test
    void producesDifferentCiphertextEachTimeItSealsTheSameSecret() {
        SealedSecret a = v1.seal(SECRET, CONTEXT);
        SealedSecret b = v1.seal(SECRET, CONTEXT);

        assertThat(a.ciphertext()).isNotEqualTo(b.ciphertext());
        assertThat(a.wrappedDataKey()).isNotEqualTo(b.wrappedDataKey());
        assertThat(Arrays.copyOf(a.ciphertext(), 12)).as("nonce").isNotEqualTo(Arrays.copyOf(b.ciphertext(), 12));
    }

    @Test
    void refusesToOpenUnderAnotherContext() {
        SealedSecret sealed = v1.seal(SECRET, CONTEXT);

        assertThatExceptionOfType(SecretUnavailableException.class)
                .isThrownBy(() -> v1.open(sealed, "device:urn:dev:2/credential:7"))
                .withMessageContaining("does not authenticate");
    }

    @Test
    void refusesACiphertextWithOneFlippedByte() {
        SealedSecret sealed = v1.seal(SECRET, CONTEXT);
        byte[] altered = sealed.ciphertext().clone();
        altered[altered.length / 2] ^= 0x01;

        assertThatExceptionOfType(SecretUnavailableException.class)
                .isThrownBy(() -> v1.open(new SealedSecret(altered, sealed.wrappedDataKey(), 1), CONTEXT))
                .withMessageContaining("does not authenticate");
    }

    @Test
    void refusesAWrappedDataKeyWithOneFlippedByte() {
        SealedSecret sealed = v1.seal(SECRET, CONTEXT);
        byte[] altered = sealed.wrappedDataKey().clone();
        altered[0] ^= (byte) 0x80;

        assertThatExceptionOfType(SecretUnavailableException.class)
                .isThrownBy(() -> v1.open(new SealedSecret(sealed.ciphertext(), altered, 1), CONTEXT))
                .withMessageContaining("does not authenticate");
    }

    @Test
    void refusesATruncatedCiphertext() {
        SealedSecret sealed = v1.seal(SECRET, CONTEXT);

        assertThatExceptionOfType(SecretUnavailableException.class)
                .isThrownBy(() -> v1.open(new SealedSecret(Arrays.copyOf(sealed.ciphertext(), 27), sealed.wrappedDataKey(), 1),
                        CONTEXT))
                .withMessage("stored secret is truncated");
    }

    @Test
    void refusesASealedSecretRelabelledWithAnotherKekVersion() {
        SecretCipher both = new SecretCipher(new KeyEncryptionKeys(2, OLD_KEK).add(1, OLD_KEK), random);
        SealedSecret sealed = both.seal(SECRET, CONTEXT);

        // Same key bytes under both versions: only the version bound into the AAD tells them apart.
        assertThatExceptionOfType(SecretUnavailableException.class)
                .isThrownBy(() -> both.open(new SealedSecret(sealed.ciphertext(), sealed.wrappedDataKey(), 1), CONTEXT));
    }

    @Test
    void explainsThatTheKekVersionOfASecretIsNotConfigured() {
        SealedSecret sealed = v1.seal(SECRET, CONTEXT);
        SecretCipher onlyV2 = new SecretCipher(new KeyEncryptionKeys(2, NEW_KEK), random);

        assertThatExceptionOfType(SecretUnavailableException.class)
                .isThrownBy(() -> onlyV2.open(sealed, CONTEXT))
                .withMessage("no key-encryption key of version 1 is configured");
    }

    @Test
    void refusesASecretUnderTheSameVersionButAnotherKey() {
        SealedSecret sealed = v1.seal(SECRET, CONTEXT);
        SecretCipher otherKey = new SecretCipher(new KeyEncryptionKeys(1, NEW_KEK), random);

        assertThatExceptionOfType(SecretUnavailableException.class)
                .isThrownBy(() -> otherKey.open(sealed, CONTEXT))
                .withMessageContaining("wrong KEK");
    }

    @Test
    void rewrapMovesTheDataKeyToTheNewCurrentKekAndKeepsTheCiphertext() {
        SealedSecret old = v1.seal(SECRET, CONTEXT);
        SecretCipher v2 = new SecretCipher(new KeyEncryptionKeys(2, NEW_KEK).add(1, OLD_KEK), random);

        SealedSecret rewrapped = v2.rewrap(old, CONTEXT);

        assertThat(rewrapped.kekVersion()).isEqualTo(2);
        assertThat(rewrapped.ciphertext()).isEqualTo(old.ciphertext());
        assertThat(rewrapped.wrappedDataKey()).isNotEqualTo(old.wrappedDataKey());
    }

    @Test
    void rewrappedSecretOpensWithTheNewKekAlone() {
        SealedSecret old = v1.seal(SECRET, CONTEXT);
        SealedSecret rewrapped = new SecretCipher(new KeyEncryptionKeys(2, NEW_KEK).add(1, OLD_KEK), random)
                .rewrap(old, CONTEXT);

        SecretCipher onlyV2 = new SecretCipher(new KeyEncryptionKeys(2, NEW_KEK), random);

        assertThat(onlyV2.open(rewrapped, CONTEXT)).isEqualTo(SECRET);
    }

    @Test
    void rewrapLeavesASecretAlreadyUnderTheCurrentKekAsItIs() {
        SealedSecret sealed = v1.seal(SECRET, CONTEXT);

        assertThat(v1.rewrap(sealed, CONTEXT)).isSameAs(sealed);
    }

    @Test
    void rewrapRefusesAnotherContext() {
        SealedSecret old = v1.seal(SECRET, CONTEXT);
        SecretCipher v2 = new SecretCipher(new KeyEncryptionKeys(2, NEW_KEK).add(1, OLD_KEK), random);

        assertThatExceptionOfType(SecretUnavailableException.class).isThrownBy(() -> v2.rewrap(old, "another-row"));
    }

    @Test
    void secretsSealedUnderASharedDataKeyOpenLikeAnyOther() throws Exception {
        SealedSecret a;
        SealedSecret b;
        try (SecretCipher.SharedDataKey shared = v1.shareDataKeys()) {
            a = v1.seal(SECRET, CONTEXT);
            b = v1.seal(SECRET, "device:urn:dev:2/credential:8");
        }

        assertThat(v1.open(a, CONTEXT)).isEqualTo(SECRET);
        assertThat(v1.open(b, "device:urn:dev:2/credential:8")).isEqualTo(SECRET);
        assertThat(unwrap(OLD_KEK, a, CONTEXT)).isEqualTo(unwrap(OLD_KEK, b, "device:urn:dev:2/credential:8"));
        assertThat(a.wrappedDataKey()).hasSize(12 + 32 + 16).isNotEqualTo(b.wrappedDataKey());
        assertThat(Arrays.copyOf(a.ciphertext(), 12)).as("nonce").isNotEqualTo(Arrays.copyOf(b.ciphertext(), 12));
    }

    @Test
    void aSharedDataKeyIsStillBoundToEachSecretsContext() {
        SealedSecret a;
        SealedSecret b;
        try (SecretCipher.SharedDataKey shared = v1.shareDataKeys()) {
            a = v1.seal(SECRET, CONTEXT);
            b = v1.seal(SECRET, "device:urn:dev:2/credential:8");
        }

        assertThatExceptionOfType(SecretUnavailableException.class)
                .isThrownBy(() -> v1.open(a, "device:urn:dev:2/credential:8"));
        assertThatExceptionOfType(SecretUnavailableException.class)
                .isThrownBy(() -> v1.open(new SealedSecret(b.ciphertext(), a.wrappedDataKey(), 1), "device:urn:dev:2/credential:8"));
    }

    @Test
    void opensSecretsSealedOneDataKeyEachBeforeSharingAlongsideSharedOnes() throws Exception {
        // The stored form written before data keys were shared, built here by hand: a data key of
        // its own, the secret and the data key each under AES-GCM with their purpose and context.
        byte[] ownKey = filled(0x5a);
        SealedSecret before = new SealedSecret(gcm(ownKey, SECRET, "secret|" + CONTEXT),
                gcm(OLD_KEK, ownKey, "data-key:v1|" + CONTEXT), 1);
        SealedSecret shared;
        try (SecretCipher.SharedDataKey scope = v1.shareDataKeys()) {
            shared = v1.seal(SECRET, "device:urn:dev:2/credential:8");
        }

        assertThat(v1.open(before, CONTEXT)).isEqualTo(SECRET);
        assertThat(v1.open(shared, "device:urn:dev:2/credential:8")).isEqualTo(SECRET);
        SecretCipher v2 = new SecretCipher(new KeyEncryptionKeys(2, NEW_KEK).add(1, OLD_KEK), random);
        SecretCipher onlyV2 = new SecretCipher(new KeyEncryptionKeys(2, NEW_KEK), random);
        assertThat(onlyV2.open(v2.rewrap(before, CONTEXT), CONTEXT)).isEqualTo(SECRET);
        assertThat(onlyV2.open(v2.rewrap(shared, "device:urn:dev:2/credential:8"), "device:urn:dev:2/credential:8"))
                .isEqualTo(SECRET);
    }

    @Test
    void drawsAFreshSharedDataKeyAfterItsQuotaOfSecrets() throws Exception {
        SealedSecret first;
        SealedSecret lastOfFirstKey = null;
        SealedSecret firstOfNextKey;
        try (SecretCipher.SharedDataKey shared = v1.shareDataKeys()) {
            first = v1.seal(SECRET, CONTEXT);
            for (int i = 1; i < SecretCipher.SECRETS_PER_SHARED_DATA_KEY; i++) {
                lastOfFirstKey = v1.seal(SECRET, CONTEXT);
            }
            firstOfNextKey = v1.seal(SECRET, CONTEXT);
        }

        assertThat(unwrap(OLD_KEK, lastOfFirstKey, CONTEXT)).isEqualTo(unwrap(OLD_KEK, first, CONTEXT));
        assertThat(unwrap(OLD_KEK, firstOfNextKey, CONTEXT)).isNotEqualTo(unwrap(OLD_KEK, first, CONTEXT));
        assertThat(v1.open(firstOfNextKey, CONTEXT)).isEqualTo(SECRET);
    }

    @Test
    void outsideTheScopeEverySecretGetsItsOwnDataKeyAgain() throws Exception {
        SealedSecret inside;
        try (SecretCipher.SharedDataKey shared = v1.shareDataKeys()) {
            inside = v1.seal(SECRET, CONTEXT);
        }
        SealedSecret a = v1.seal(SECRET, CONTEXT);
        SealedSecret b = v1.seal(SECRET, CONTEXT);

        assertThat(unwrap(OLD_KEK, a, CONTEXT)).isNotEqualTo(unwrap(OLD_KEK, b, CONTEXT))
                .isNotEqualTo(unwrap(OLD_KEK, inside, CONTEXT));
    }

    @Test
    void sharedDataKeyScopesDoNotNest() {
        try (SecretCipher.SharedDataKey shared = v1.shareDataKeys()) {
            assertThatExceptionOfType(IllegalStateException.class).isThrownBy(v1::shareDataKeys)
                    .withMessage("this thread already shares a data key");
        }
    }

    private static byte[] unwrap(byte[] kek, SealedSecret sealed, String context) throws Exception {
        byte[] wrapped = sealed.wrappedDataKey();
        Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
        cipher.init(Cipher.DECRYPT_MODE, new SecretKeySpec(kek, "AES"), new GCMParameterSpec(128, wrapped, 0, 12));
        cipher.updateAAD(("data-key:v" + sealed.kekVersion() + "|" + context).getBytes(StandardCharsets.UTF_8));
        return cipher.doFinal(wrapped, 12, wrapped.length - 12);
    }

    private static byte[] gcm(byte[] key, byte[] plaintext, String aad) throws Exception {
        byte[] nonce = new byte[12];
        new SecureRandom().nextBytes(nonce);
        Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
        cipher.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(key, "AES"), new GCMParameterSpec(128, nonce));
        cipher.updateAAD(aad.getBytes(StandardCharsets.UTF_8));
        byte[] sealed = cipher.doFinal(plaintext);
        byte[] out = Arrays.copyOf(nonce, 12 + sealed.length);
        System.arraycopy(sealed, 0, out, 12, sealed.length);
        return out;
    }

    @Test
    void sealedSecretToStringShowsNoKeyOrCiphertextBytes() {
        SealedSecret sealed = v1.seal(SECRET, CONTEXT);

        String text = sealed.toString();

        assertThat(text).isEqualTo("SealedSecret[kekVersion=1]");
        assertThat(text).doesNotContain(Base64.getEncoder().encodeToString(sealed.ciphertext()),
                HexFormat.of().formatHex(sealed.wrappedDataKey()), Arrays.toString(sealed.ciphertext()));
    }

    @Test
    void keyEncryptionKeysToStringShowsVersionsButNoKeyBytes() {
        KeyEncryptionKeys keys = new KeyEncryptionKeys(2, NEW_KEK).add(1, OLD_KEK);

        String text = keys.toString();

        assertThat(text).isEqualTo("KeyEncryptionKeys[current=2, versions=[1, 2]]");
        assertThat(text).doesNotContain(HexFormat.of().formatHex(NEW_KEK), Base64.getEncoder().encodeToString(NEW_KEK),
                Arrays.toString(NEW_KEK), Arrays.toString(OLD_KEK));
    }

    @Test
    void rejectsAKekThatIsNotThirtyTwoBytes() {
        assertThatExceptionOfType(IllegalArgumentException.class)
                .isThrownBy(() -> new KeyEncryptionKeys(1, new byte[16]))
                .withMessage("a KEK is 32 bytes (AES-256), not 16");
    }

    @Test
    void rejectsAKekVersionBelowOne() {
        assertThatExceptionOfType(IllegalArgumentException.class)
                .isThrownBy(() -> new KeyEncryptionKeys(0, NEW_KEK))
                .withMessage("a KEK version is a positive number, not 0");
    }

    private static byte[] filled(int b) {
        byte[] key = new byte[KeyEncryptionKeys.KEY_BYTES];
        Arrays.fill(key, (byte) b);
        return key;
    }

    private static int indexOf(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= haystack.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }
}
