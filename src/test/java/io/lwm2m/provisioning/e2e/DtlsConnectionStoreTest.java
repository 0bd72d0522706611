package io.lwm2m.provisioning.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.eclipse.californium.core.coap.CoAP.ResponseCode;
import org.eclipse.californium.core.coap.Response;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A full DTLS connection store keeps taking devices: connections idle past
 * {@code provisioning.coaps.stale-connection-after} make room. (With Scandium's default of 30 min,
 * a replica that had seen 150,000 devices within half an hour refused every further handshake.)
 */
class DtlsConnectionStoreTest {

    private static TestServer server;
    private static String dmServer;

    @BeforeAll
    static void start() {
        server = TestServer.start(TestServer.newDataDir(), Map.of(
                "provisioning.coaps.max-connections", "2",
                "provisioning.coaps.stale-connection-after", "1s"));
        dmServer = Fixtures.server(server, "coaps://dm.example:5684", 11, 300, "U", "PSK", true);
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void devicesBeyondTheStoresCapacityBootstrapOnceOldConnectionsAreIdle() throws Exception {
        List<Fixtures.Device> devices = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            devices.add(Fixtures.device(server, dmServer));
        }
        for (Fixtures.Device device : devices) {
            try (RawCoapsDevice client = RawCoapsDevice.psk(device.identity(), device.key(), BootstrapFailureTest::wellBehaved)) {
                Response response = client.bootstrapRequest(server.coaps(), true, "ep=" + device.endpoint());
                assertThat(response).as("Bootstrap-Request of " + device.endpoint()).isNotNull();
                assertThat(response.getCode()).isEqualTo(ResponseCode.CHANGED);
            }
            Thread.sleep(1_200); // every connection so far is now idle past the threshold
        }
    }
}
