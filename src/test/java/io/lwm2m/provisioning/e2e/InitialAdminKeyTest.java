package io.lwm2m.provisioning.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lwm2m.provisioning.testing.TestDataDirectories;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.core.NestedExceptionUtils;

/**
 * The first admin key can come from the operator (a Kubernetes Secret mounted as a file, or an
 * environment variable), instead of being generated into the data dir; it is used only while no key exists.
 */
class InitialAdminKeyTest {

    private static final SecureRandom RANDOM = new SecureRandom();

    @Test
    void aKeyGivenInAFileBecomesTheFirstAdminKeyAndNothingIsWrittenToTheDataDir() throws Exception {
        Path dataDir = TestServer.newDataDir();
        String given = newKey();
        TestOutput.rememberSecret(given);
        Path keyFile = Files.writeString(TestDataDirectories.create("admin-key-").resolve("initial-admin-key"), given + "\n");
        try (TestServer server = TestServer.start(dataDir, Map.of("provisioning.api.initial-admin-key-file", keyFile))) {
            assertThat(server.call("GET", "/api/v1/api-keys", null, "Bearer " + given).status()).isEqualTo(200);
            assertThat(server.call("GET", "/api/v1/api-keys", null, "Bearer " + newKey()).status()).isEqualTo(401);
            assertThat(dataDir.resolve("initial-admin-key")).doesNotExist();
        }
        // Keys exist now: another given key is not used, the first one still works.
        String later = newKey();
        TestOutput.rememberSecret(later);
        try (TestServer server = TestServer.start(dataDir, Map.of("provisioning.api.initial-admin-key", later))) {
            assertThat(server.call("GET", "/api/v1/api-keys", null, "Bearer " + later).status()).isEqualTo(401);
            assertThat(server.call("GET", "/api/v1/api-keys", null, "Bearer " + given).status()).isEqualTo(200);
        }
    }

    @Test
    void aGivenValueThatIsNoApiKeyStopsTheStartNamingTheSetting() {
        assertThatThrownBy(() -> TestServer.start(TestServer.newDataDir(), Map.of("provisioning.api.initial-admin-key", "changeme")))
                .extracting(e -> NestedExceptionUtils.getMostSpecificCause(e).getMessage()).asString()
                .contains("provisioning.api.initial-admin-key does not hold an API key").doesNotContain("changeme");
    }

    private static String newKey() {
        byte[] random = new byte[32];
        RANDOM.nextBytes(random);
        return "bsk_" + Base64.getUrlEncoder().withoutPadding().encodeToString(random);
    }
}
