package io.lwm2m.provisioning.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.function.Function;
import org.eclipse.californium.core.coap.CoAP.ResponseCode;
import org.eclipse.californium.core.coap.Request;
import org.eclipse.californium.core.coap.Response;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * Bootstrap-Discover answers no well-behaved client gives, over real DTLS: each ends the session
 * with a recorded reason before anything on the client is deleted or written; and a profile's
 * content format against a client that cannot take it.
 */
class DiscoverAnswersEndToEndTest {

    private static TestServer server;
    private static String dm;

    @BeforeAll
    static void start() {
        server = TestServer.shared();
        dm = Fixtures.server(server, "coaps://dm.discover.example:5684", 141, 300, "U", "PSK", true);
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"garbage", "empty", "64 KB", "10,000 instances", "refused"})
    void aDiscoverAnswerThatTellsNothingUsableFailsTheSessionBeforeAnythingChanges(String kind) throws Exception {
        Fixtures.Device device = Fixtures.device(server, dm);
        List<String> received = Collections.synchronizedList(new ArrayList<>());

        JsonNode session = bootstrap(device, "", request -> {
            received.add(request.getCode() + " /" + request.getOptions().getUriPathString());
            if (request.getCode() != org.eclipse.californium.core.coap.CoAP.Code.GET) {
                return new Response(ResponseCode.CHANGED);
            }
            if (kind.equals("refused")) {
                return new Response(ResponseCode.METHOD_NOT_ALLOWED);
            }
            Response response = new Response(ResponseCode.CONTENT);
            response.getOptions().setContentFormat(40);
            response.setPayload(switch (kind) {
                case "garbage" -> "\u0000\u0001 not link-format \uFFFD";
                case "empty" -> "";
                case "64 KB" -> "</0/0>,".repeat(64 * 1024 / 7);
                default -> tenThousandInstances();
            });
            return response;
        });

        assertThat(session.get("outcome").asString()).isEqualTo("FAILED");
        assertThat(session.get("reason").asString()).isNotBlank();
        assertThat(received).as("only Discovers reached the client").allMatch(r -> r.startsWith("GET"));
        assertThat(session.get("steps").valueStream().map(s -> s.get("operation").asString()))
                .containsOnly("Bootstrap-Discover");
        assertThat(session.get("failure").asString()).isEqualTo(kind.equals("64 KB") || kind.equals("10,000 instances")
                ? "UNUSABLE_ANSWER" : "DISCOVER_UNUSABLE");
        switch (kind) {
            case "garbage" -> assertThat(session.get("reason").asString()).contains("not usable link-format");
            case "empty" -> assertThat(session.get("reason").asString()).contains("lists no Security (/0) instance");
            case "refused" -> assertThat(session.get("reason").asString()).contains("refused Bootstrap-Discover of / and /0");
            default -> assertThat(session.get("reason").asString()).contains("unusable answer to Bootstrap-Discover /")
                    .contains("16384");
        }
    }

    @Test
    void aProfileForcingSenmlCborRefusesAClientWithoutPctWith415() throws Exception {
        String profile = Fixtures.profile(server, """
                {"servers":[{"server":"%s"}],"compatibility":{"contentFormat":"SENML_CBOR"}}""".formatted(dm));
        Fixtures.Device device = Fixtures.deviceOfProfile(server, profile);

        try (RawCoapsDevice client = RawCoapsDevice.psk(device.identity(), device.key(), RawCoapsDevice.silent())) {
            assertThat(client.bootstrapRequest(server.coaps(), true, "ep=" + device.endpoint()).getCode())
                    .isEqualTo(ResponseCode.UNSUPPORTED_CONTENT_FORMAT);
        }
        JsonNode session = server.call("GET", "/api/v1/devices/" + device.endpoint() + "/sessions", null).json().get(0);
        assertThat(session.get("reason").asString()).contains("SENML_CBOR").contains("sent no pct");
    }

    @Test
    void aProfileForcingTlvWritesTlvToAClientThatAskedForSenmlCbor() throws Exception {
        String profile = Fixtures.profile(server, """
                {"servers":[{"server":"%s"}],"compatibility":{"contentFormat":"TLV"}}""".formatted(dm));
        Fixtures.Device device = Fixtures.deviceOfProfile(server, profile);
        List<Integer> formats = Collections.synchronizedList(new ArrayList<>());

        JsonNode session = bootstrap(device, "&pct=112", request -> {
            if (request.getCode() == org.eclipse.californium.core.coap.CoAP.Code.PUT) {
                formats.add(request.getOptions().getContentFormat());
            }
            if (request.getCode() == org.eclipse.californium.core.coap.CoAP.Code.GET) {
                Response response = new Response(ResponseCode.CONTENT);
                response.setPayload("</>;lwm2m=1.1,</0/0>,</1>,</3/0>");
                return response;
            }
            return new Response(request.getCode() == org.eclipse.californium.core.coap.CoAP.Code.DELETE
                    ? ResponseCode.DELETED : ResponseCode.CHANGED);
        });

        assertThat(session.get("outcome").asString()).isEqualTo("SUCCEEDED");
        assertThat(session.get("contentFormat").asInt()).isEqualTo(11542);
        assertThat(formats).isNotEmpty().containsOnly(11542);
    }

    private static String tenThousandInstances() {
        StringBuilder answer = new StringBuilder("</>;lwm2m=1.1,</0/0>");
        for (int i = 1; i <= 10_000; i++) {
            answer.append(",</0/").append(i).append(">;ssid=").append(i);
        }
        return answer.toString();
    }

    /** One Bootstrap-Request with this script answering the server; the session once it ended. */
    private static JsonNode bootstrap(Fixtures.Device device, String extraQuery, Function<Request, Response> script)
            throws Exception {
        try (RawCoapsDevice client = RawCoapsDevice.psk(device.identity(), device.key(), script)) {
            assertThat(client.bootstrapRequest(server.coaps(), true, "ep=" + device.endpoint() + extraQuery).getCode())
                    .isEqualTo(ResponseCode.CHANGED);
            Instant deadline = Instant.now().plus(Duration.ofSeconds(20));
            while (Instant.now().isBefore(deadline)) {
                JsonNode sessions = server.call("GET", "/api/v1/devices/" + device.endpoint() + "/sessions", null).json();
                if (!sessions.isEmpty() && !sessions.get(0).get("outcome").asString().equals("RUNNING")) {
                    return sessions.get(0);
                }
                Thread.sleep(50);
            }
            throw new AssertionError("the session of " + device.endpoint() + " did not end");
        }
    }
}
