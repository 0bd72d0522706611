package io.lwm2m.provisioning.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.lwm2m.provisioning.e2e.LeshanDevice.Flavour;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.eclipse.californium.core.coap.CoAP.ResponseCode;
import org.eclipse.californium.core.coap.Request;
import org.eclipse.californium.core.coap.Response;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.JdbcTemplate;
import tools.jackson.databind.JsonNode;

/**
 * Every way a Bootstrap-Request or a session can go wrong ends with the right CoAP code, a
 * recorded reason, nothing half-written, no session left running, and a device that can
 * bootstrap again afterwards.
 */
class BootstrapFailureTest {

    private static TestServer server;
    private static String dmServer;

    @BeforeAll
    static void start() {
        server = TestServer.shared();
        dmServer = Fixtures.server(server, "coaps://dm.example:5684", 101, 300, "U", "PSK", true);
    }

    @Test
    void theIdentityOfAnotherDeviceGets400AndAnAuditEventWithTheRealReason() throws Exception {
        Fixtures.Device owner = Fixtures.device(server, dmServer);
        Fixtures.Device victim = Fixtures.device(server, dmServer);

        try (LeshanDevice client = LeshanDevice.start(victim.endpoint(), server.coaps(), owner.identity(), owner.key(),
                Flavour.LWM2M_1_1_SENML_CBOR)) {
            LeshanDevice.Outcome outcome = client.awaitBootstrap(Duration.ofSeconds(20));
            assertThat(outcome.success()).isFalse();
            assertThat(outcome.code()).isEqualTo(org.eclipse.leshan.core.ResponseCode.BAD_REQUEST);
        }
        JsonNode session = latestSession(owner.endpoint());
        assertThat(session.get("outcome").asString()).isEqualTo("FAILED");
        assertThat(session.get("endpoint").asString()).isEqualTo(victim.endpoint());
        assertThat(session.get("reason").asString()).contains("does not match the DTLS identity").contains(owner.endpoint());
        assertThat(session.get("steps")).isEmpty();
        assertThat(sessions(victim.endpoint())).isEmpty();

        List<Map<String, Object>> audit = new JdbcTemplate(server.bean(javax.sql.DataSource.class)).queryForList(
                "SELECT action, outcome, details FROM audit_events WHERE target = ? AND action LIKE 'bootstrap.%'", "device:" + victim.endpoint());
        assertThat(audit).singleElement().satisfies(row -> {
            assertThat(row.get("action")).isEqualTo("bootstrap.request");
            assertThat(row.get("outcome")).isEqualTo("DENIED");
            assertThat((String) row.get("details")).contains("does not match the DTLS identity");
        });
    }

    @Test
    void anUnknownEndpointGets400() throws Exception {
        Fixtures.Device device = Fixtures.device(server, dmServer);
        try (RawCoapsDevice raw = RawCoapsDevice.psk(device.identity(), device.key(), RawCoapsDevice.silent())) {
            Response response = raw.bootstrapRequest(server.coaps(), true, "ep=urn:dev:ops:nobody");
            assertThat(response.getCode()).isEqualTo(ResponseCode.BAD_REQUEST);
            // The peer learns nothing about why.
            assertThat(response.getPayloadSize()).isZero();
        }
        assertThat(latestSession(device.endpoint()).get("reason").asString())
                .contains("'urn:dev:ops:nobody' is not a registered device");
    }

    @Test
    void anUnknownPskIdentityFailsTheHandshake() throws Exception {
        try (RawCoapsDevice raw = RawCoapsDevice.psk("nobody-knows-me", HexFormat.of().parseHex("00112233445566778899aabbccddeeff"),
                RawCoapsDevice.silent())) {
            assertThat(raw.bootstrapRequest(server.coaps(), true, "ep=whatever")).isNull();
        }
    }

    @Test
    void aWrongKeyForAKnownIdentityFailsTheHandshake() throws Exception {
        Fixtures.Device device = Fixtures.device(server, dmServer);
        byte[] wrongKey = device.key().clone();
        wrongKey[0] ^= 1;
        try (RawCoapsDevice raw = RawCoapsDevice.psk(device.identity(), wrongKey, RawCoapsDevice.silent())) {
            assertThat(raw.bootstrapRequest(server.coaps(), true, "ep=" + device.endpoint())).isNull();
        }
        assertThat(sessions(device.endpoint())).isEmpty();
    }

    @Test
    void aMalformedOrUnsupportedPctIsRefused() throws Exception {
        Fixtures.Device device = Fixtures.device(server, dmServer);
        try (RawCoapsDevice raw = RawCoapsDevice.psk(device.identity(), device.key(), RawCoapsDevice.silent())) {
            assertThat(raw.bootstrapRequest(server.coaps(), true, "ep=" + device.endpoint() + "&pct=abc").getCode())
                    .isEqualTo(ResponseCode.BAD_REQUEST);
            assertThat(raw.bootstrapRequest(server.coaps(), true, "ep=" + device.endpoint() + "&pct=11543").getCode())
                    .isEqualTo(ResponseCode.UNSUPPORTED_CONTENT_FORMAT);
            assertThat(raw.bootstrapRequest(server.coaps(), true, "ep=" + device.endpoint() + "&ep=again").getCode())
                    .isEqualTo(ResponseCode.BAD_REQUEST);
        }
        List<String> reasons = sessions(device.endpoint()).stream().map(s -> s.get("reason").asString()).toList();
        assertThat(reasons).anyMatch(r -> r.contains("pct 'abc' is not a number"))
                .anyMatch(r -> r.contains("content format 11543"))
                .anyMatch(r -> r.contains("ep given twice"));
        assertThat(server.runningSessions()).isZero();
    }

    @Test
    void aBootstrapRequestOverPlainCoapIsRefused() throws Exception {
        try (RawCoapsDevice raw = RawCoapsDevice.plain(RawCoapsDevice.silent())) {
            assertThat(raw.bootstrapRequest(server.coap(), false, "ep=urn:dev:ops:plain").getCode())
                    .isEqualTo(ResponseCode.BAD_REQUEST);
        }
    }

    @Test
    void aClientThatStopsAnsweringTimesOutAndCanBootstrapAgain() throws Exception {
        Fixtures.Device device = Fixtures.device(server, dmServer);
        try (RawCoapsDevice raw = RawCoapsDevice.psk(device.identity(), device.key(), RawCoapsDevice.silent())) {
            assertThat(raw.bootstrapRequest(server.coaps(), true, "ep=" + device.endpoint()).getCode())
                    .isEqualTo(ResponseCode.CHANGED);
            JsonNode session = awaitEnded(device.endpoint(), Duration.ofSeconds(20));
            assertThat(session.get("outcome").asString()).isEqualTo("FAILED");
            assertThat(session.get("reason").asString()).contains("no answer to Bootstrap-Discover /");
        }
        assertThat(server.runningSessions()).isZero();
        assertBootstrapsAgain(device);
    }

    @Test
    void aClientAnswering400ToAWriteEndsTheSessionWithThatReason() throws Exception {
        Fixtures.Device device = Fixtures.device(server, dmServer);
        JsonNode before = server.call("GET", "/api/v1/devices/" + device.endpoint(), null).json();
        try (RawCoapsDevice raw = RawCoapsDevice.psk(device.identity(), device.key(), scripted(ResponseCode.BAD_REQUEST, ResponseCode.CHANGED))) {
            assertThat(raw.bootstrapRequest(server.coaps(), true, "ep=" + device.endpoint()).getCode())
                    .isEqualTo(ResponseCode.CHANGED);
            JsonNode session = awaitEnded(device.endpoint(), Duration.ofSeconds(20));
            assertThat(session.get("outcome").asString()).isEqualTo("FAILED");
            assertThat(session.get("reason").asString()).isEqualTo("the client answered 4.00 to Bootstrap-Write /0/1");
            // Discover (nothing to delete on this client) and the refused write: nothing was sent after the refusal.
            assertThat(session.get("steps")).hasSize(2);
        }
        assertThat(server.call("GET", "/api/v1/devices/" + device.endpoint(), null).json()).isEqualTo(before);
        assertThat(server.runningSessions()).isZero();
        assertBootstrapsAgain(device);
    }

    @Test
    void aClientRejectingTheConfigurationAtFinishIsRecordedAsSuch() throws Exception {
        Fixtures.Device device = Fixtures.device(server, dmServer);
        try (RawCoapsDevice raw = RawCoapsDevice.psk(device.identity(), device.key(), scripted(ResponseCode.CHANGED, ResponseCode.NOT_ACCEPTABLE))) {
            raw.bootstrapRequest(server.coaps(), true, "ep=" + device.endpoint());
            JsonNode session = awaitEnded(device.endpoint(), Duration.ofSeconds(20));
            assertThat(session.get("reason").asString()).contains("4.06 to Bootstrap-Finish /bs").contains("inconsistent");
        }
    }

    /** A device that discovers like Leshan's client, deletes fine, and answers writes and finish as given. */
    private static java.util.function.Function<Request, Response> scripted(ResponseCode write, ResponseCode finish) {
        return request -> switch (request.getCode()) {
            case GET -> {
                Response r = new Response(ResponseCode.CONTENT);
                r.getOptions().setContentFormat(40);
                r.setPayload("</>;lwm2m=1.1,</0/0>;uri=\"coaps://127.0.0.1:5684\"".getBytes(StandardCharsets.UTF_8));
                yield r;
            }
            case DELETE -> new Response(ResponseCode.DELETED);
            case PUT -> new Response(write);
            case POST -> new Response(finish);
            default -> new Response(ResponseCode.METHOD_NOT_ALLOWED);
        };
    }

    private static void assertBootstrapsAgain(Fixtures.Device device) throws Exception {
        try (LeshanDevice client = LeshanDevice.start(device.endpoint(), server.coaps(), device.identity(), device.key(),
                Flavour.LWM2M_1_1_SENML_CBOR)) {
            LeshanDevice.Outcome outcome = client.awaitBootstrap(Duration.ofSeconds(30));
            assertThat(outcome.success()).as(outcome.toString()).isTrue();
        }
        // The client reports success when it answers Finish; the server records the end just after.
        assertThat(awaitEnded(device.endpoint(), Duration.ofSeconds(10)).get("outcome").asString()).isEqualTo("SUCCEEDED");
    }

    @Test
    void aSecondBootstrapRequestSupersedesTheRunningSessionOnThisAndOnAnyOtherReplica() throws Exception {
        Fixtures.Device device = Fixtures.device(server, dmServer);
        JdbcTemplate jdbc = new JdbcTemplate(server.bean(javax.sql.DataSource.class));
        try (RawCoapsDevice stalled = RawCoapsDevice.psk(device.identity(), device.key(), RawCoapsDevice.silent())) {
            assertThat(stalled.bootstrapRequest(server.coaps(), true, "ep=" + device.endpoint()).getCode())
                    .isEqualTo(ResponseCode.CHANGED);
            assertThat(sessions(device.endpoint()).get(0).get("outcome").asString()).isEqualTo("RUNNING");

            try (RawCoapsDevice answering = RawCoapsDevice.psk(device.identity(), device.key(), BootstrapFailureTest::wellBehaved)) {
                assertThat(answering.bootstrapRequest(server.coaps(), true, "ep=" + device.endpoint()).getCode())
                        .isEqualTo(ResponseCode.CHANGED);
                JsonNode latest = awaitEnded(device.endpoint(), Duration.ofSeconds(10));
                assertThat(latest.get("outcome").asString()).isEqualTo("SUCCEEDED");
            }
        }
        List<JsonNode> all = sessions(device.endpoint());
        assertThat(all).hasSize(2);
        assertThat(all.get(1).get("outcome").asString()).isEqualTo("FAILED");
        assertThat(all.get(1).get("reason").asString()).contains("superseded");

        // A session another replica left RUNNING (it crashed) is superseded through PostgreSQL alone.
        Long deviceId = jdbc.queryForObject("SELECT id FROM devices WHERE endpoint = ?", Long.class, device.endpoint());
        java.util.UUID orphan = java.util.UUID.randomUUID();
        jdbc.update("INSERT INTO bootstrap_sessions (id, device_id, endpoint, peer_address, security_mode, started_at, outcome) "
                + "VALUES (?, ?, ?, '192.0.2.1:5684', 'PSK', now(), 'RUNNING')", orphan, deviceId, device.endpoint());
        try (RawCoapsDevice answering = RawCoapsDevice.psk(device.identity(), device.key(), BootstrapFailureTest::wellBehaved)) {
            assertThat(answering.bootstrapRequest(server.coaps(), true, "ep=" + device.endpoint()).getCode())
                    .isEqualTo(ResponseCode.CHANGED);
            assertThat(awaitEnded(device.endpoint(), Duration.ofSeconds(10)).get("outcome").asString()).isEqualTo("SUCCEEDED");
        }
        assertThat(jdbc.queryForObject("SELECT outcome || ': ' || reason FROM bootstrap_sessions WHERE id = ?", String.class, orphan))
                .startsWith("FAILED: superseded");
        assertThat(jdbc.queryForObject("SELECT count(*) FROM bootstrap_sessions WHERE device_id = ? AND outcome = 'RUNNING'",
                Integer.class, deviceId)).isZero();
    }

    /** A client that answers every bootstrap operation with success, its Discover naming a bootstrap account. */
    static Response wellBehaved(Request request) {
        return switch (request.getCode()) {
            case GET -> {
                Response r = new Response(ResponseCode.CONTENT);
                r.getOptions().setContentFormat(40);
                r.setPayload("</>;lwm2m=1.1,</0/0>;uri=\"coaps://bs\",</1>,</3/0>");
                yield r;
            }
            case DELETE -> new Response(ResponseCode.DELETED);
            default -> new Response(ResponseCode.CHANGED);
        };
    }

    private static JsonNode awaitEnded(String endpoint, Duration timeout) throws InterruptedException {
        Instant deadline = Instant.now().plus(timeout);
        while (Instant.now().isBefore(deadline)) {
            List<JsonNode> sessions = sessions(endpoint);
            if (!sessions.isEmpty() && !sessions.get(0).get("outcome").asString().equals("RUNNING")) {
                return sessions.get(0);
            }
            Thread.sleep(100);
        }
        throw new AssertionError("no ended session for " + endpoint + " within " + timeout + ": " + sessions(endpoint));
    }

    private static JsonNode latestSession(String endpoint) {
        List<JsonNode> sessions = sessions(endpoint);
        assertThat(sessions).isNotEmpty();
        return sessions.get(0);
    }

    private static List<JsonNode> sessions(String endpoint) {
        TestServer.ApiResponse response = server.call("GET", "/api/v1/devices/" + endpoint + "/sessions", null);
        assertThat(response.status()).as(response.toString()).isEqualTo(200);
        List<JsonNode> list = new java.util.ArrayList<>();
        response.json().forEach(list::add);
        return list;
    }
}
