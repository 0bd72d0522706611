package io.lwm2m.provisioning.bootstrap.settings;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;

class CoapSettingsTest {

    private static CoapSettings bound(Map<String, String> properties) {
        return new Binder(new MapConfigurationPropertySource(properties)).bindOrCreate("provisioning.coap", CoapSettings.class);
    }

    @Test
    void byDefaultThereIsOneWorkerThreadPerProcessorFromTwoToEight() {
        assertThat(bound(Map.of()).workerThreads())
                .isEqualTo(Math.min(8, Math.max(2, Runtime.getRuntime().availableProcessors())));
        assertThat(CoapSettings.perProcessor(1)).isEqualTo(2);
        assertThat(CoapSettings.perProcessor(2)).isEqualTo(2);
        assertThat(CoapSettings.perProcessor(6)).isEqualTo(6);
        assertThat(CoapSettings.perProcessor(64)).isEqualTo(8);
    }

    @Test
    void aConfiguredCountIsKept() {
        assertThat(bound(Map.of("provisioning.coap.worker-threads", "12")).workerThreads()).isEqualTo(12);
        assertThat(bound(Map.of("provisioning.coap.worker-threads", "1")).workerThreads()).isEqualTo(1);
    }

    @Test
    void aNegativeCountIsRefusedWithTheSettingsName() {
        assertThatThrownBy(() -> bound(Map.of("provisioning.coap.worker-threads", "-1")))
                .rootCause()
                .hasMessageContaining("provisioning.coap.worker-threads must be 0 (one per processor) or more, not -1");
    }
}
