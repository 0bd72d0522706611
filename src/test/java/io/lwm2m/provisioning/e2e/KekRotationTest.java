package io.lwm2m.provisioning.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.lwm2m.provisioning.e2e.LeshanDevice.Flavour;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/** A new KEK is introduced, every secret re-wrapped while the server runs, and the old KEK dropped. */
class KekRotationTest {

    @Test
    void secretsMoveToANewKekAndDevicesKeepBootstrapping() throws Exception {
        Path dataDir = TestServer.newDataDir();
        Fixtures.Device device;
        String importId;
        try (TestServer first = TestServer.start(dataDir)) {
            String dm = Fixtures.server(first, "coaps://dm.example:5684", 9, 60, "U", "PSK", true);
            device = Fixtures.device(first, dm);
            // An import whose secrets file is not acknowledged yet: sealed under the old KEK too.
            String profile = Imports.profile(first, dm);
            importId = Imports.upload(first, "text/csv", ("endpoint,profile,mode\nurn:dev:kek:1," + profile + ",psk\n")
                    .getBytes(java.nio.charset.StandardCharsets.UTF_8), "").json().get("id").asString();
            assertThat(Imports.await(first, importId, Duration.ofSeconds(30)).get("secrets").asString()).isEqualTo("AVAILABLE");
        }
        String oldKek = Files.readString(dataDir.resolve("kek")).trim();
        byte[] fresh = new byte[32];
        new SecureRandom().nextBytes(fresh);
        String newKek = Base64.getEncoder().encodeToString(fresh);
        TestOutput.rememberSecret(newKek);

        try (TestServer rotating = TestServer.start(dataDir, Map.of("provisioning.secrets.kek", newKek,
                "provisioning.secrets.kek-version", 2, "provisioning.secrets.previous-keks", "1:" + oldKek))) {
            JsonNode before = rotating.call("GET", "/api/v1/secrets/kek", null).json();
            assertThat(before.get("currentVersion").asInt()).isEqualTo(2);
            assertThat(before.get("notCurrent").get("device-credentials").asLong()).isEqualTo(4);
            assertThat(before.get("notCurrent").get("imports").asLong()).isEqualTo(1);
            assertBootstraps(rotating, device);

            TestServer.ApiResponse rewrap = rotating.call("POST", "/api/v1/secrets/rewrap", null);
            assertThat(rewrap.status()).isEqualTo(200);
            assertThat(rewrap.json().get("rewrapped").get("device-credentials").asLong()).as("two devices, two credentials each")
                    .isEqualTo(4);
            assertThat(rewrap.json().get("rewrapped").get("imports").asLong()).isEqualTo(1);
            assertThat(rotating.call("GET", "/api/v1/secrets/kek", null).json().get("notCurrent").get("device-credentials").asLong())
                    .isZero();
        }
        try (TestServer rotated = TestServer.start(dataDir, Map.of("provisioning.secrets.kek", newKek,
                "provisioning.secrets.kek-version", 2))) {
            assertBootstraps(rotated, device);
            TestServer.ApiResponse secrets = rotated.upload("GET", "/api/v1/imports/" + importId + "/secrets", null, null);
            assertThat(secrets.status()).as("the secrets file opens under the new KEK alone").isEqualTo(200);
            Imports.secrets(secrets).forEach(r -> TestOutput.rememberSecret(r[5]));
            assertThat(Imports.secrets(secrets)).hasSize(2);
        }
    }

    private static void assertBootstraps(TestServer server, Fixtures.Device device) throws Exception {
        try (LeshanDevice client = LeshanDevice.start(device.endpoint(), server.coaps(), device.identity(), device.key(),
                Flavour.LWM2M_1_1_SENML_CBOR)) {
            LeshanDevice.Outcome outcome = client.awaitBootstrap(Duration.ofSeconds(30));
            assertThat(outcome.success()).as(outcome.toString()).isTrue();
        }
    }
}
