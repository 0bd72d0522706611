package io.lwm2m.provisioning.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Map;
import org.eclipse.californium.core.coap.CoAP.ResponseCode;
import org.eclipse.californium.core.coap.Response;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * The LwM2M 1.2 Bootstrap-Pack never costs a client its bootstrap-server account, wherever the
 * client keeps it (ADR 019): a pack is answered only where a Discover of an earlier session (or the
 * device's profile) showed the account's instance id, and its DM-server instances avoid it. Played by
 * a modelled 1.2 client over real DTLS (no 1.2 C client is in shared/), which applies the pack as
 * Anjay does and is asserted on what it holds afterwards.
 */
class BootstrapPackEndToEndTest {

    private static final String BOOTSTRAP_URI = "coaps://bs.example:5684";
    private static TestServer server;
    private static String dm1;
    private static String dm2;

    @BeforeAll
    static void start() {
        server = TestServer.shared();
        dm1 = Fixtures.server(server, "coaps://dm1.pack.example:5684", 131, 300, "U", "PSK", true);
        dm2 = Fixtures.server(server, "coaps://dm2.pack.example:5684", 132, 300, "U", "PSK", true);
    }

    @Test
    void aPackAfterADiscoverLeavesTheBootstrapAccountAtInstanceZero() throws Exception {
        assertPackKeepsTheBootstrapAccountAt(0);
    }

    @Test
    void aPackAfterADiscoverLeavesTheBootstrapAccountAtInstanceOneAsAnjayKeepsIt() throws Exception {
        assertPackKeepsTheBootstrapAccountAt(1);
    }

    @Test
    void aPackAfterADiscoverLeavesTheBootstrapAccountAtAHighInstance() throws Exception {
        assertPackKeepsTheBootstrapAccountAt(40_001);
    }

    /** Session (Discover learns the account), then a pack applied as Anjay applies it, then a session again. */
    private void assertPackKeepsTheBootstrapAccountAt(int accountInstance) throws Exception {
        Fixtures.Device device = Fixtures.device(server, dm1, dm2);
        ModelledClient client = new ModelledClient(accountInstance, BOOTSTRAP_URI, device.identity());

        bootstrap(device, client);
        assertHoldsExactlyTheConfiguration(client, device, accountInstance);

        Response pack = pack(device, client, 112);
        assertThat(pack.getCode()).isEqualTo(ResponseCode.CONTENT);
        client.applyPack(pack.getPayload(), pack.getOptions().getContentFormat());
        assertHoldsExactlyTheConfiguration(client, device, accountInstance);

        // And a Bootstrap-Request after the pack finds everything where it was.
        bootstrap(device, client);
        assertHoldsExactlyTheConfiguration(client, device, accountInstance);
    }

    @Test
    void aPackBeforeAnyDiscoverGets405AndTheClientKeepsWhatItHeld() throws Exception {
        Fixtures.Device device = Fixtures.device(server, dm1);
        ModelledClient client = new ModelledClient(1, BOOTSTRAP_URI, device.identity());

        Response pack = pack(device, client, 112);

        assertThat(pack.getCode()).isEqualTo(ResponseCode.METHOD_NOT_ALLOWED);
        assertThat(pack.getPayloadSize()).isZero();
        assertThat(client.bootstrapAccounts()).containsExactly(1);
        assertThat(client.instances(0)).containsExactly(1);
        JsonNode session = latestSession(device.endpoint());
        assertThat(session.get("outcome").asString()).isEqualTo("FAILED");
        assertThat(session.get("reason").asString()).contains("no Bootstrap-Discover has shown where the client keeps");
        // The client falls back to a Bootstrap-Request (as Anjay does on any answer but 2.05), which bootstraps it.
        bootstrap(device, client);
        assertHoldsExactlyTheConfiguration(client, device, 1);
    }

    @Test
    void aPackBeforeAnyDiscoverAvoidsTheInstanceTheProfileNames() throws Exception {
        String profile = Fixtures.profile(server, """
                {"servers":[{"server":"%s"}],"compatibility":{"bootstrapAccountInstance":1}}""".formatted(dm1));
        Fixtures.Device device = Fixtures.deviceOfProfile(server, profile);
        ModelledClient client = new ModelledClient(1, BOOTSTRAP_URI, device.identity());

        Response pack = pack(device, client, 112);

        assertThat(pack.getCode()).isEqualTo(ResponseCode.CONTENT);
        client.applyPack(pack.getPayload(), pack.getOptions().getContentFormat());
        assertHoldsExactlyTheConfiguration(client, device, 1);
    }

    @Test
    void aPackFromADeviceWhoseProfileForbidsPackGets405AndARecordedReason() throws Exception {
        String profile = Fixtures.profile(server, """
                {"servers":[{"server":"%s"}],"compatibility":{"bootstrapPack":"FORBIDDEN"}}""".formatted(dm1));
        Fixtures.Device device = Fixtures.deviceOfProfile(server, profile);
        ModelledClient client = new ModelledClient(0, BOOTSTRAP_URI, device.identity());
        bootstrap(device, client);

        Response pack = pack(device, client, 112);

        assertThat(pack.getCode()).isEqualTo(ResponseCode.METHOD_NOT_ALLOWED);
        assertThat(pack.getPayloadSize()).isZero();
        JsonNode session = latestSession(device.endpoint());
        assertThat(session.get("outcome").asString()).isEqualTo("FAILED");
        assertThat(session.get("reason").asString()).contains("forbids Bootstrap-Pack");
        // Nothing changed on the client: it still holds what the Bootstrap-Request gave it.
        assertHoldsExactlyTheConfiguration(client, device, 0);
    }

    @Test
    void aProfilesContentFormatAppliesToThePackAndRefusesAnotherAccept() throws Exception {
        String profile = Fixtures.profile(server, """
                {"servers":[{"server":"%s"}],"compatibility":{"contentFormat":"SENML_JSON","bootstrapAccountInstance":0}}"""
                .formatted(dm1));
        Fixtures.Device device = Fixtures.deviceOfProfile(server, profile);
        ModelledClient client = new ModelledClient(0, BOOTSTRAP_URI, device.identity());

        Response refused = pack(device, client, 112);
        Response pack = pack(device, client, null);

        assertThat(refused.getCode()).isEqualTo(ResponseCode.NOT_ACCEPTABLE);
        assertThat(pack.getCode()).isEqualTo(ResponseCode.CONTENT);
        assertThat(pack.getOptions().getContentFormat()).isEqualTo(110);
        client.applyPack(pack.getPayload(), 110);
        assertHoldsExactlyTheConfiguration(client, device, 0);
    }

    private static void bootstrap(Fixtures.Device device, ModelledClient client) throws Exception {
        Instant before = Instant.now();
        try (RawCoapsDevice raw = RawCoapsDevice.psk(device.identity(), device.key(), client::answer)) {
            Response response = raw.bootstrapRequest(server.coaps(), true, "ep=" + device.endpoint() + "&pct=112");
            assertThat(response.getCode()).isEqualTo(ResponseCode.CHANGED);
            awaitSucceededSince(device.endpoint(), before);
        }
    }

    private static Response pack(Fixtures.Device device, ModelledClient client, Integer accept) throws Exception {
        try (RawCoapsDevice raw = RawCoapsDevice.psk(device.identity(), device.key(), client::answer)) {
            Response response = raw.get(server.coaps(), "/bspack?ep=" + device.endpoint(), accept);
            assertThat(response).as("an answer to the Bootstrap-Pack-Request").isNotNull();
            return response;
        }
    }

    /** Its bootstrap account untouched at {@code accountInstance}, and exactly one account per DM server of the device. */
    private static void assertHoldsExactlyTheConfiguration(ModelledClient client, Fixtures.Device device, int accountInstance) {
        assertThat(client.bootstrapAccounts()).containsExactly(accountInstance);
        Map<Integer, Object> account = client.instance(0, accountInstance);
        assertThat(account.get(0)).isEqualTo(BOOTSTRAP_URI);
        assertThat((byte[]) account.get(3)).isEqualTo(device.identity().getBytes(StandardCharsets.UTF_8));
        JsonNode credentials = device.created().get("serverCredentials");
        assertThat(client.instances(0)).hasSize(credentials.size() + 1);
        assertThat(client.instances(1)).hasSize(credentials.size());
        for (JsonNode credential : credentials) {
            Map<Integer, Object> security = client.instances(0).stream().map(id -> client.instance(0, id))
                    .filter(r -> !Boolean.TRUE.equals(r.get(1)) && java.util.Arrays.equals((byte[]) r.get(3),
                            credential.get("identity").asString().getBytes(StandardCharsets.UTF_8)))
                    .findFirst().orElseThrow(() -> new AssertionError("no Security instance for " + credential));
            assertThat((byte[]) security.get(5)).isEqualTo(HexFormat.of().parseHex(credential.get("key").asString()));
        }
    }

    private static void awaitSucceededSince(String endpoint, Instant since) throws InterruptedException {
        Instant deadline = Instant.now().plus(Duration.ofSeconds(15));
        JsonNode latest = null;
        while (Instant.now().isBefore(deadline)) {
            latest = latestSession(endpoint);
            if (latest != null && latest.get("outcome").asString().equals("SUCCEEDED")
                    && !Instant.parse(latest.get("startedAt").asString()).isBefore(since.minusSeconds(1))) {
                return;
            }
            Thread.sleep(50);
        }
        throw new AssertionError("no succeeded session of " + endpoint + "; latest: " + latest);
    }

    private static JsonNode latestSession(String endpoint) {
        TestServer.ApiResponse response = server.call("GET", "/api/v1/devices/" + endpoint + "/sessions", null);
        assertThat(response.status()).as(response.toString()).isEqualTo(200);
        return response.json().isEmpty() ? null : response.json().get(0);
    }
}
