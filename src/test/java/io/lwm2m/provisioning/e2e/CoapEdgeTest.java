package io.lwm2m.provisioning.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import org.eclipse.californium.core.coap.CoAP.ResponseCode;
import org.eclipse.californium.core.coap.Option;
import org.eclipse.californium.core.coap.Request;
import org.eclipse.californium.core.coap.Response;
import org.eclipse.californium.core.coap.option.StandardOptionRegistry;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * Bad bytes stop at the CoAP edge (issue 15): a NUL, bytes that are not UTF-8 or a bidi override in
 * {@code ep}, a PSK identity with a NUL, get 4.00 (or a failed handshake) with a recorded reason, the
 * database never sees them, and hundreds of such datagrams write a few log lines, never a stack trace.
 */
class CoapEdgeTest {

    private static TestServer server;

    @BeforeAll
    static void start() {
        server = TestServer.shared();
    }

    @Test
    void twoHundredRequestsWithANulInEpGet400AndNoStackTrace() throws Exception {
        int logBefore = TestOutput.captured().length();
        try (RawCoapsDevice client = RawCoapsDevice.plain(RawCoapsDevice.silent())) {
            for (int i = 0; i < 100; i++) {
                Response bs = client.send(request("POST", "bs", "ep=\u0000"));
                Response pack = client.send(request("GET", "bspack", "ep=\u0000"));
                assertThat(bs.getCode()).isEqualTo(ResponseCode.BAD_REQUEST);
                assertThat(pack.getCode()).isEqualTo(ResponseCode.BAD_REQUEST);
            }
        }
        String log = TestOutput.captured().substring(logBefore);
        assertThat(log).doesNotContain("\tat ").doesNotContain("invalid byte sequence");
        JsonNode refusals = server.call("GET", "/api/v1/audit?action=bootstrap.request&limit=5", null).json();
        assertThat(refusals.toString()).contains("ep holds the character U+0000");
    }

    @Test
    void epBytesThatAreNotUtf8OrABidiOverrideGet400() throws Exception {
        try (RawCoapsDevice client = RawCoapsDevice.plain(RawCoapsDevice.silent())) {
            Request invalid = Request.newPost();
            invalid.setURI("coap://127.0.0.1:" + server.coap().getPort() + "/bs");
            invalid.getOptions().addOption(new Option(StandardOptionRegistry.URI_QUERY,
                    ("ep=a" + new String(new byte[] {(byte) 0xC3, 0x28}, StandardCharsets.ISO_8859_1)).getBytes(StandardCharsets.ISO_8859_1)));
            assertThat(client.send(invalid).getCode()).isEqualTo(ResponseCode.BAD_REQUEST);
            assertThat(client.send(request("POST", "bs", "ep=evil\u202Etxt.exe")).getCode()).isEqualTo(ResponseCode.BAD_REQUEST);
        }
    }

    @Test
    void aPskIdentityWithANulFailsTheHandshakeWithoutReachingTheDatabase() throws Exception {
        int logBefore = TestOutput.captured().length();
        try (RawCoapsDevice client = RawCoapsDevice.psk("nul\u0000identity", HexFormat.of().parseHex("00112233445566778899aabbccddeeff"),
                RawCoapsDevice.silent())) {
            assertThat(client.bootstrapRequest(server.coaps(), true, "ep=x")).isNull();
        }
        Thread.sleep(1_500); // failures of no known device are logged once a second
        String log = TestOutput.captured().substring(logBefore);
        assertThat(log).doesNotContain("PSK lookup failed").contains("PSK identity of no live bootstrap credential");
    }

    private static Request request(String method, String path, String query) {
        Request request = method.equals("POST") ? Request.newPost() : Request.newGet();
        request.setURI("coap://127.0.0.1:" + server.coap().getPort() + "/" + path);
        request.getOptions().addUriQuery(query);
        return request;
    }
}
