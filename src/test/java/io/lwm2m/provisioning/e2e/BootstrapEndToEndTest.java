package io.lwm2m.provisioning.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.lwm2m.provisioning.e2e.LeshanDevice.Flavour;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import tools.jackson.databind.JsonNode;

/**
 * A device pre-registered through the API bootstraps over DTLS-PSK with Eclipse Leshan's client,
 * which then holds exactly the configured Security and Server instances.
 */
class BootstrapEndToEndTest {

    private static TestServer server;
    private static String pskServer;
    private static String noSecServer;

    @BeforeAll
    static void servers() {
        server = TestServer.shared();
        pskServer = Fixtures.server(server, "coaps://dm.example:5684", 101, 300, "U", "PSK", true);
        noSecServer = Fixtures.server(server, "coap://dm2.example:5683", 202, 600, "UQ", "NOSEC", false);
    }

    @ParameterizedTest
    @EnumSource(Flavour.class)
    void aPreRegisteredDeviceBootstrapsAndHoldsExactlyItsConfiguration(Flavour flavour) throws Exception {
        Fixtures.Device device = Fixtures.device(server, pskServer, noSecServer);
        JsonNode dmCredential = device.serverCredential(pskServer);

        Map<Integer, Map<Integer, Object>> security;
        Map<Integer, Map<Integer, Object>> servers;
        try (LeshanDevice client = LeshanDevice.start(device.endpoint(), server.coaps(), device.identity(), device.key(), flavour)) {
            LeshanDevice.Outcome outcome = client.awaitBootstrap(Duration.ofSeconds(30));
            assertThat(outcome.success()).as(outcome.toString()).isTrue();
            security = client.instances(0);
            servers = client.instances(1);
        }

        // The bootstrap account is untouched, and exactly one Security instance per DM server exists beside it.
        assertThat(security).hasSize(3);
        Map<Integer, Object> bootstrapAccount = security.values().stream().filter(r -> Boolean.TRUE.equals(r.get(1))).findFirst().orElseThrow();
        assertThat(new String((byte[]) bootstrapAccount.get(3), StandardCharsets.UTF_8)).isEqualTo(device.identity());

        Map<Integer, Object> psk = bySsid(security, 10, 101);
        assertThat(psk.get(0)).isEqualTo("coaps://dm.example:5684");
        assertThat(psk.get(1)).isEqualTo(false);
        assertThat(psk.get(2)).isEqualTo(0L);
        assertThat(new String((byte[]) psk.get(3), StandardCharsets.UTF_8)).isEqualTo(dmCredential.get("identity").asString());
        assertThat((byte[]) psk.get(4)).isEmpty();
        assertThat(HexFormat.of().formatHex((byte[]) psk.get(5))).isEqualTo(dmCredential.get("key").asString());

        Map<Integer, Object> noSec = bySsid(security, 10, 202);
        assertThat(noSec.get(0)).isEqualTo("coap://dm2.example:5683");
        assertThat(noSec.get(2)).isEqualTo(3L);
        assertThat((byte[]) noSec.get(3)).isEmpty();
        assertThat((byte[]) noSec.get(5)).isEmpty();

        assertThat(servers).hasSize(2);
        Map<Integer, Object> pskAccount = bySsid(servers, 0, 101);
        assertThat(pskAccount.get(1)).isEqualTo(300L);
        assertThat(pskAccount.get(6)).isEqualTo(true);
        assertThat(pskAccount.get(7)).isEqualTo("U");
        Map<Integer, Object> noSecAccount = bySsid(servers, 0, 202);
        assertThat(noSecAccount.get(1)).isEqualTo(600L);
        assertThat(noSecAccount.get(6)).isEqualTo(false);
        assertThat(noSecAccount.get(7)).isEqualTo("UQ");

        // The session is on record with every request and answer (recorded once the server has Finish's answer,
        // which may be a moment after the client reports success).
        JsonNode session = server.call("GET", "/api/v1/devices/" + device.endpoint() + "/sessions", null).json().get(0);
        for (int attempt = 0; attempt < 100 && session.get("outcome").asString().equals("RUNNING"); attempt++) {
            Thread.sleep(50);
            session = server.call("GET", "/api/v1/devices/" + device.endpoint() + "/sessions", null).json().get(0);
        }
        assertThat(session.get("outcome").asString()).isEqualTo("SUCCEEDED");
        assertThat(session.get("contentFormat").asInt()).isEqualTo(switch (flavour) {
            case LWM2M_1_1_SENML_CBOR -> 112;
            case LWM2M_1_1_SENML_JSON -> 110;
            case LWM2M_1_0_NO_PCT -> 11542;
        });
        List<String> steps = session.get("steps").valueStream()
                .map(s -> s.get("operation").asString() + " " + s.get("path").asString() + " " + s.get("responseCode").asString())
                .toList();
        // A fresh Leshan client holds only its bootstrap account: Discover shows there is nothing to delete.
        assertThat(steps).hasSize(6);
        assertThat(steps.get(0)).isEqualTo("Bootstrap-Discover / 2.05");
        assertThat(steps.subList(1, 5)).allMatch(s -> s.startsWith("Bootstrap-Write ") && s.endsWith(" 2.04"));
        assertThat(steps.get(5)).isEqualTo("Bootstrap-Finish /bs 2.04");
        assertThat(server.runningSessions()).isZero();
    }

    private static Map<Integer, Object> bySsid(Map<Integer, Map<Integer, Object>> instances, int ssidResource, long ssid) {
        return instances.values().stream().filter(r -> Long.valueOf(ssid).equals(r.get(ssidResource))).findFirst()
                .orElseThrow(() -> new AssertionError("no instance with ssid " + ssid + " in " + instances));
    }
}
