package io.lwm2m.provisioning.crypto;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import java.security.SecureRandom;
import org.junit.jupiter.api.Test;

/** Generation of PSK keys and identities. */
class RandomSecretsTest {

    private final SecureRandom random = new SecureRandom();

    @Test
    void makesPskKeysOfTheConfiguredLength() {
        assertThat(new RandomSecrets(random, 32).pskKey()).hasSize(32);
    }

    @Test
    void acceptsTheBoundsSixteenAndSixtyFourBytes() {
        assertThat(new RandomSecrets(random, 16).pskKey()).hasSize(16);
        assertThat(new RandomSecrets(random, 64).pskKey()).hasSize(64);
    }

    @Test
    void rejectsAKeyLengthBelowSixteenBytes() {
        assertThatIllegalArgumentException().isThrownBy(() -> new RandomSecrets(random, 15))
                .withMessage("PSK key length must be 16..64 bytes, not 15");
    }

    @Test
    void rejectsAKeyLengthAboveSixtyFourBytes() {
        assertThatIllegalArgumentException().isThrownBy(() -> new RandomSecrets(random, 65))
                .withMessage("PSK key length must be 16..64 bytes, not 65");
    }

    @Test
    void makesADifferentKeyEachTime() {
        RandomSecrets secrets = new RandomSecrets(random, 16);

        assertThat(secrets.pskKey()).isNotEqualTo(secrets.pskKey());
    }

    @Test
    void makesIdentitiesOfThirtyTwoLowercaseHexCharacters() {
        assertThat(new RandomSecrets(random, 16).pskIdentity()).matches("[0-9a-f]{32}");
    }

    @Test
    void makesADifferentIdentityEachTime() {
        RandomSecrets secrets = new RandomSecrets(random, 16);

        assertThat(secrets.pskIdentity()).isNotEqualTo(secrets.pskIdentity());
    }

    @Test
    void drawsIdentitiesFromTheConfiguredRandomSource() {
        SecureRandom zeros = new SecureRandom() {
            @Override
            public void nextBytes(byte[] bytes) {
                java.util.Arrays.fill(bytes, (byte) 0xAB);
            }
        };

        assertThat(new RandomSecrets(zeros, 16).pskIdentity()).isEqualTo("ab".repeat(16));
    }
}
