package io.lwm2m.provisioning.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.lwm2m.provisioning.e2e.LeshanDevice.Flavour;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/** Without a confirmation from the DM side, a delivered DM-server credential takes over after the grace period. */
class RotationGracePeriodTest {

    @Test
    void aDeliveredDmCredentialBecomesActiveAfterTheGracePeriod() throws Exception {
        try (TestServer server = TestServer.start(TestServer.newDataDir(), Map.of(
                "provisioning.credentials.rotation-grace-period", "1s",
                "provisioning.credentials.rotation-check-interval", "500ms"))) {
            String dm = Fixtures.server(server, "coaps://dm.example:5684", 11, 60, "U", "PSK", true);
            Fixtures.Device device = Fixtures.device(server, dm);
            TestServer.ApiResponse rotated = server.call("POST", "/api/v1/devices/" + device.endpoint() + "/credentials/rotate",
                    "{\"target\":\"server\",\"server\":\"" + dm + "\"}");
            JsonNode fresh = rotated.json();
            Fixtures.Device.rememberSecrets(fresh);

            Thread.sleep(2_000);
            assertThat(statuses(server, device)).as("not delivered yet: no grace period running")
                    .contains(fresh.get("identity").asString() + "=PENDING");

            try (LeshanDevice client = LeshanDevice.start(device.endpoint(), server.coaps(), device.identity(), device.key(),
                    Flavour.LWM2M_1_1_SENML_CBOR)) {
                assertThat(client.awaitBootstrap(Duration.ofSeconds(30)).success()).isTrue();
            }
            Instant deadline = Instant.now().plusSeconds(15);
            while (Instant.now().isBefore(deadline) && statuses(server, device).size() != 1) {
                Thread.sleep(200);
            }
            assertThat(statuses(server, device)).containsExactly(fresh.get("identity").asString() + "=ACTIVE");
        }
    }

    private static List<String> statuses(TestServer server, Fixtures.Device device) {
        return server.call("GET", "/api/v1/devices/" + device.endpoint(), null).json().get("serverCredentials").valueStream()
                .map(c -> c.get("identity").asString() + "=" + c.get("status").asString()).toList();
    }
}
