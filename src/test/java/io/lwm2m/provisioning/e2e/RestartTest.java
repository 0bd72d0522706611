package io.lwm2m.provisioning.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.lwm2m.provisioning.e2e.LeshanDevice.Flavour;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** What was stored survives a restart on the same data dir, and the device still bootstraps. */
class RestartTest {

    @Test
    void aDeviceCreatedBeforeARestartIsThereAndBootstrapsAfterIt() throws Exception {
        Path dataDir = TestServer.newDataDir();
        Fixtures.Device device;
        String adminKey;
        try (TestServer first = TestServer.start(dataDir)) {
            String dm = Fixtures.server(first, "coaps://dm.example:5684", 7, 120, "U", "PSK", true);
            device = Fixtures.device(first, dm);
            adminKey = first.adminKey();
        }
        try (TestServer second = TestServer.start(dataDir)) {
            assertThat(second.adminKey()).as("no second initial key on restart").isEqualTo(adminKey);
            TestServer.ApiResponse read = second.call("GET", "/api/v1/devices/" + device.endpoint(), null);
            assertThat(read.status()).isEqualTo(200);
            assertThat(read.json().get("bootstrapCredential").get("identity").asString()).isEqualTo(device.identity());
            try (LeshanDevice client = LeshanDevice.start(device.endpoint(), second.coaps(), device.identity(), device.key(),
                    Flavour.LWM2M_1_0_NO_PCT)) {
                LeshanDevice.Outcome outcome = client.awaitBootstrap(Duration.ofSeconds(30));
                assertThat(outcome.success()).as(outcome.toString()).isTrue();
                assertThat(client.instances(1)).hasSize(1);
            }
        }
    }
}
