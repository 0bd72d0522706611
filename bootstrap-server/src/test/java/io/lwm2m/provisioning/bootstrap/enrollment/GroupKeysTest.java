package io.lwm2m.provisioning.bootstrap.enrollment;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HexFormat;
import org.junit.jupiter.api.Test;

/**
 * The symmetric-key derivation against the test vector the README documents, which
 * {@code printf %s acme-urn:dev:ops:000001 | openssl dgst -sha256 -mac HMAC -macopt hexkey:000102…1f} gives.
 */
class GroupKeysTest {

    private static final byte[] GROUP_KEY = HexFormat.of().parseHex("000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f");

    @Test
    void derivesTheDocumentedTestVector() {
        assertThat(HexFormat.of().formatHex(GroupKeys.derive(GROUP_KEY, "acme-urn:dev:ops:000001", 32)))
                .isEqualTo("5267ae7afd518d4e699139beec5ceaff5ca0c5dbb4d25341b0bae48cfa689898");
    }

    @Test
    void aShortKeyIsTheFirstHalfOfTheMac() {
        assertThat(HexFormat.of().formatHex(GroupKeys.derive(GROUP_KEY, "acme-urn:dev:ops:000001", 16)))
                .isEqualTo("5267ae7afd518d4e699139beec5ceaff");
    }

    @Test
    void theIdentityWithItsPrefixIsWhatIsSigned() {
        assertThat(GroupKeys.derive(GROUP_KEY, "urn:dev:ops:000001", 32))
                .isNotEqualTo(GroupKeys.derive(GROUP_KEY, "acme-urn:dev:ops:000001", 32)).hasSize(32);
    }
}
