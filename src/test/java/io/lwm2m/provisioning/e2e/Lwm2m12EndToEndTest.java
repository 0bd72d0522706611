package io.lwm2m.provisioning.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.upokecenter.cbor.CBORObject;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.eclipse.californium.core.coap.CoAP.ResponseCode;
import org.eclipse.californium.core.coap.Request;
import org.eclipse.californium.core.coap.Response;
import org.eclipse.leshan.core.model.ObjectLoader;
import org.eclipse.leshan.core.model.StaticModel;
import org.eclipse.leshan.core.node.LwM2mNode;
import org.eclipse.leshan.core.node.LwM2mPath;
import org.eclipse.leshan.core.node.LwM2mResource;
import org.eclipse.leshan.core.node.codec.DefaultLwM2mDecoder;
import org.eclipse.leshan.core.request.ContentFormat;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * LwM2M 1.2 clients: Bootstrap-Writes in LwM2M-CBOR (11544) and the Bootstrap-Pack-Request
 * ({@code GET /bspack}). Leshan's client speaks neither (it stops at 1.1), so a Californium
 * client plays the device, and what it receives is decoded by Leshan's decoders and PeterO's CBOR
 * library against the OMA object models.
 */
class Lwm2m12EndToEndTest {

    private static final String CLIENT_1_2_DISCOVER = "</>;lwm2m=1.2,</0>;ver=1.2,</0/0>;uri=\"coaps://bs.example\","
            + "</1>;ver=1.2,</2>;ver=1.1,</3>;ver=1.2,</3/0>";

    private static TestServer server;
    private static String pskServer;
    private static String x509Server;
    private static final StaticModel MODEL = new StaticModel(ObjectLoader.loadAllDefault());

    @BeforeAll
    static void start() {
        server = TestServer.shared();
        pskServer = Fixtures.server(server, "coaps://dm12.example:5684", 121, 300, "UQ", "PSK", true);
        // Any certificate stands for the DM server's; the bootstrap server's own will do.
        String certificate = server.call("GET", "/api/v1/bootstrap-server", null, null).json().get("certificateChain").asString()
                .replaceAll("(?s)(-----END CERTIFICATE-----).*", "$1").replace("\n", "\\n");
        String name = Fixtures.unique("dm-x509");
        TestServer.ApiResponse created = server.call("POST", "/api/v1/servers", """
                {"name":"%s","uri":"coaps://dm12x.example:5684","shortServerId":122,"lifetime":300,"binding":"U",\
                "securityMode":"X509","serverCertificate":"%s"}""".formatted(name, certificate));
        assertThat(created.status()).as(created.toString()).isEqualTo(201);
        x509Server = name;
    }

    @Test
    void a12ClientAskingForLwm2mCborGetsEveryWriteInIt() throws Exception {
        Fixtures.Device device = Fixtures.device(server, pskServer);
        List<Request> received = Collections.synchronizedList(new ArrayList<>());
        try (RawCoapsDevice client = RawCoapsDevice.psk(device.identity(), device.key(), request -> answer(request, received))) {
            Response response = client.bootstrapRequest(server.coaps(), true, "ep=" + device.endpoint() + "&pct=11544");
            assertThat(response.getCode()).isEqualTo(ResponseCode.CHANGED);
            awaitOutcome(device.endpoint(), "SUCCEEDED");
        }
        List<Request> writes = received.stream().filter(r -> r.getCode().name().equals("PUT")).toList();
        assertThat(writes).extracting(r -> r.getOptions().getUriPathString()).containsExactly("0/1", "1/0");
        assertThat(writes).allSatisfy(w -> assertThat(w.getOptions().getContentFormat()).isEqualTo(11544));

        CBORObject security = CBORObject.DecodeFromBytes(writes.get(0).getPayload()).get(0).get(1);
        JsonNode credential = device.created().get("serverCredentials").get(0);
        assertThat(security.get(0).AsString()).isEqualTo("coaps://dm12.example:5684");
        assertThat(security.get(2).AsInt32()).isZero();
        assertThat(new String(security.get(3).GetByteString(), StandardCharsets.UTF_8)).isEqualTo(credential.get("identity").asString());
        assertThat(security.get(5).GetByteString()).isEqualTo(HexFormat.of().parseHex(credential.get("key").asString()));
        assertThat(security.get(10).AsInt32()).isEqualTo(121);
        // A 1.2 Server object: queue mode is the client's registration choice, not a Binding letter.
        CBORObject serverInstance = CBORObject.DecodeFromBytes(writes.get(1).getPayload()).get(1).get(0);
        assertThat(serverInstance.get(7).AsString()).isEqualTo("U");
        assertThat(serverInstance.get(0).AsInt32()).isEqualTo(121);
    }

    @Test
    void aBootstrapPackInSenmlCborHoldsTheWholeConfigurationAndDecodesWithLeshan() throws Exception {
        Fixtures.Device device = Fixtures.device(server, pskServer);
        discoveredOnce(device);
        Response response;
        try (RawCoapsDevice client = RawCoapsDevice.psk(device.identity(), device.key(), RawCoapsDevice.silent())) {
            response = client.get(server.coaps(), "/bspack?ep=" + device.endpoint(), 112);
        }
        assertThat(response.getCode()).isEqualTo(ResponseCode.CONTENT);
        assertThat(response.getOptions().getContentFormat()).isEqualTo(112);

        Map<LwM2mPath, LwM2mNode> nodes = new DefaultLwM2mDecoder().decodeNodes(response.getPayload(), ContentFormat.SENML_CBOR,
                null, MODEL);
        JsonNode credential = device.created().get("serverCredentials").get(0);
        assertThat(value(nodes, "/0/1/0")).isEqualTo("coaps://dm12.example:5684");
        assertThat(value(nodes, "/0/1/1")).isEqualTo(false);
        assertThat(value(nodes, "/0/1/2")).isEqualTo(0L);
        assertThat((byte[]) value(nodes, "/0/1/3")).isEqualTo(credential.get("identity").asString().getBytes(StandardCharsets.UTF_8));
        assertThat((byte[]) value(nodes, "/0/1/5")).isEqualTo(HexFormat.of().parseHex(credential.get("key").asString()));
        assertThat(value(nodes, "/0/1/10")).isEqualTo(121L);
        assertThat(value(nodes, "/1/0/0")).isEqualTo(121L);
        assertThat(value(nodes, "/1/0/1")).isEqualTo(300L);
        assertThat(value(nodes, "/1/0/7")).isEqualTo("U");
        // The earlier session's Discover showed the client's bootstrap account at /0/0: the pack leaves it alone.
        assertThat(nodes.keySet()).noneMatch(p -> p.toString().startsWith("/0/0"));

        JsonNode session = awaitOutcome(device.endpoint(), "SUCCEEDED");
        assertThat(session.get("steps")).singleElement().satisfies(step -> {
            assertThat(step.get("operation").asString()).isEqualTo("Bootstrap-Pack");
            assertThat(step.get("responseCode").asString()).isEqualTo("2.05");
        });
    }

    @Test
    void aBootstrapPackLargerThanOneDatagramArrivesBlockWise() throws Exception {
        Fixtures.Device device = Fixtures.device(server, pskServer, x509Server);
        discoveredOnce(device);
        Response response;
        try (RawCoapsDevice client = RawCoapsDevice.psk(device.identity(), device.key(), RawCoapsDevice.silent())) {
            response = client.get(server.coaps(), "/bspack?ep=" + device.endpoint(), 11544);
        }
        assertThat(response.getCode()).isEqualTo(ResponseCode.CONTENT);
        assertThat(response.getOptions().getContentFormat()).isEqualTo(11544);
        // Californium reassembled it from Block2 transfers.
        assertThat(response.getPayloadSize()).isGreaterThan(1024);

        CBORObject root = CBORObject.DecodeFromBytes(response.getPayload());
        assertThat(root.get(0).getKeys()).containsExactlyInAnyOrder(CBORObject.FromObject(1), CBORObject.FromObject(2));
        CBORObject x509Account = root.get(0).get(2);
        assertThat(x509Account.get(2).AsInt32()).isEqualTo(2);
        java.security.cert.X509Certificate certificate = (java.security.cert.X509Certificate) java.security.cert.CertificateFactory
                .getInstance("X.509").generateCertificate(new java.io.ByteArrayInputStream(x509Account.get(3).GetByteString()));
        assertThat(certificate.getSubjectX500Principal().getName()).contains(device.endpoint());
        assertThat(root.get(1).get(1).get(0).AsInt32()).isEqualTo(122);
    }

    @Test
    void aBootstrapPackInAFormatThatCannotHoldItGets406() throws Exception {
        Fixtures.Device device = Fixtures.device(server, pskServer);
        try (RawCoapsDevice client = RawCoapsDevice.psk(device.identity(), device.key(), RawCoapsDevice.silent())) {
            Response response = client.get(server.coaps(), "/bspack?ep=" + device.endpoint(), 11542);
            assertThat(response.getCode()).isEqualTo(ResponseCode.NOT_ACCEPTABLE);
            assertThat(response.getPayloadSize()).isZero();
        }
        assertThat(latestSession(device.endpoint()).get("reason").asString()).contains("Bootstrap-Pack").contains("11542");
    }

    @Test
    void aBootstrapPackForAnotherDevicesEndpointGets400AndNothingOfTheOther() throws Exception {
        Fixtures.Device owner = Fixtures.device(server, pskServer);
        Fixtures.Device victim = Fixtures.device(server, pskServer);
        try (RawCoapsDevice client = RawCoapsDevice.psk(owner.identity(), owner.key(), RawCoapsDevice.silent())) {
            Response response = client.get(server.coaps(), "/bspack?ep=" + victim.endpoint(), 112);
            assertThat(response.getCode()).isEqualTo(ResponseCode.BAD_REQUEST);
            assertThat(response.getPayloadSize()).isZero();
        }
        assertThat(latestSession(owner.endpoint()).get("reason").asString()).contains("does not match the DTLS identity");
    }

    @Test
    void aBootstrapPackWithoutEpNamesTheDeviceFromItsDtlsIdentity() throws Exception {
        Fixtures.Device device = Fixtures.device(server, pskServer);
        discoveredOnce(device);
        try (RawCoapsDevice client = RawCoapsDevice.psk(device.identity(), device.key(), RawCoapsDevice.silent())) {
            Response response = client.get(server.coaps(), "/bspack", (Integer) null);
            assertThat(response.getCode()).isEqualTo(ResponseCode.CONTENT);
            // No Accept: SenML-CBOR, which every 1.2 client reads.
            assertThat(response.getOptions().getContentFormat()).isEqualTo(112);
        }
        assertThat(latestSession(device.endpoint()).get("outcome").asString()).isEqualTo("SUCCEEDED");
    }

    /** A Bootstrap-Request session whose Discover shows the client's bootstrap account at /0/0. */
    private static void discoveredOnce(Fixtures.Device device) throws Exception {
        try (RawCoapsDevice client = RawCoapsDevice.psk(device.identity(), device.key(), request -> answer(request, new ArrayList<>()))) {
            assertThat(client.bootstrapRequest(server.coaps(), true, "ep=" + device.endpoint() + "&pct=112").getCode())
                    .isEqualTo(ResponseCode.CHANGED);
            awaitOutcome(device.endpoint(), "SUCCEEDED");
        }
    }

    private static Object value(Map<LwM2mPath, LwM2mNode> nodes, String path) {
        LwM2mNode node = nodes.get(new LwM2mPath(path));
        assertThat(node).as(path + " in " + nodes.keySet()).isInstanceOf(LwM2mResource.class);
        return ((LwM2mResource) node).getValue();
    }

    /** A 1.2 client: Discover names its objects; Delete, Write and Finish succeed. */
    private static Response answer(Request request, List<Request> received) {
        received.add(request);
        return switch (request.getCode()) {
            case GET -> {
                Response r = new Response(ResponseCode.CONTENT);
                r.getOptions().setContentFormat(40);
                r.setPayload(CLIENT_1_2_DISCOVER);
                yield r;
            }
            case DELETE -> new Response(ResponseCode.DELETED);
            default -> new Response(ResponseCode.CHANGED);
        };
    }

    private static JsonNode awaitOutcome(String endpoint, String outcome) throws InterruptedException {
        Instant deadline = Instant.now().plus(Duration.ofSeconds(15));
        JsonNode latest = null;
        while (Instant.now().isBefore(deadline)) {
            latest = latestSession(endpoint);
            if (latest != null && latest.get("outcome").asString().equals(outcome)) {
                return latest;
            }
            Thread.sleep(50);
        }
        throw new AssertionError("no " + outcome + " session of " + endpoint + "; latest: " + latest);
    }

    private static JsonNode latestSession(String endpoint) {
        TestServer.ApiResponse response = server.call("GET", "/api/v1/devices/" + endpoint + "/sessions", null);
        assertThat(response.status()).as(response.toString()).isEqualTo(200);
        return response.json().isEmpty() ? null : response.json().get(0);
    }
}
