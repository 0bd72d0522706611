package io.lwm2m.provisioning.bootstrap.devices;

import io.lwm2m.provisioning.bootstrap.sessions.DeviceBootstrapConfig;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class HandshakePrefetchTest {

    private static DeviceBootstrapConfig config(long credentialId) {
        return new DeviceBootstrapConfig(1, "urn:dev:1", DeviceBootstrapConfig.ACTIVE, credentialId, List.of(), null, List.of());
    }

    @Test
    void aConfigurationIsTakenOnceWhileFresh() {
        HandshakePrefetch prefetch = new HandshakePrefetch(Duration.ofSeconds(5), 10);
        DeviceBootstrapConfig config = config(7);
        prefetch.put(7, config);

        assertThat(prefetch.take(8)).isNull();
        assertThat(prefetch.take(7)).isSameAs(config);
        assertThat(prefetch.take(7)).as("taken once").isNull();
    }

    @Test
    void aStaleConfigurationIsNeverHandedOut() throws InterruptedException {
        HandshakePrefetch prefetch = new HandshakePrefetch(Duration.ofMillis(20), 10);
        prefetch.put(7, config(7));
        Thread.sleep(60);

        assertThat(prefetch.take(7)).isNull();
    }

    @Test
    void keepsNoMoreThanItsCapacity() {
        HandshakePrefetch prefetch = new HandshakePrefetch(Duration.ofSeconds(5), 3);
        for (long id = 1; id <= 5; id++) {
            prefetch.put(id, config(id));
        }

        assertThat(prefetch.size()).isEqualTo(3);
        assertThat(prefetch.take(5)).as("past capacity a handshake's configuration is not kept").isNull();
        assertThat(prefetch.take(1)).isNotNull();
    }
}
