package io.lwm2m.provisioning.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.lwm2m.provisioning.e2e.CoapClientCli.Build;
import io.lwm2m.provisioning.e2e.EstSupport.Workbench;
import io.lwm2m.provisioning.e2e.LeshanDevice.Flavour;
import io.lwm2m.provisioning.e2e.WakaamaClient.Variant;
import io.lwm2m.provisioning.e2e.ZeroTouch.FactoryCertificate;
import io.lwm2m.provisioning.e2e.ZeroTouch.Manufacturer;
import io.lwm2m.provisioning.testing.RequiresTool;
import io.lwm2m.provisioning.testing.Tool;
import io.lwm2m.provisioning.testing.ToolCheck;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.eclipse.leshan.client.object.Security;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * Zero-touch enrollment with real clients nobody on this team wrote (issue 17): a device nobody
 * registered proves an enrollment group's trust anchor on its first contact and ends as one device row
 * with the group's profile. Wakaama's C client with a PSK derived from a group key; Leshan's client with
 * a factory certificate of a group's manufacturer CA, then enrolling over EST with that certificate
 * (through libcoap's coap-client: Leshan's client has no EST); and an EST-only device enrolling with
 * coap-client alone.
 */
@RequiresTool(value = "openssl", debianPackage = "openssl")
@RequiresTool(value = "coap-client-openssl", debianPackage = "libcoap3-bin")
class ZeroTouchClientsTest {

    private static TestServer server;
    private static String pskProfile;
    private static String estDm;
    private static String estProfile;
    private static byte[] serverCertificate;
    private static Workbench bench;

    @BeforeAll
    static void setUp() {
        server = TestServer.shared();
        String pskDm = Fixtures.server(server, "coaps://127.0.0.1:9", 171, 300, "U", "PSK", true);
        pskProfile = Fixtures.profile(server, "{\"servers\":[{\"server\":\"" + pskDm + "\"}]}");
        estDm = EstSupport.estServer(server, 172);
        estProfile = EstSupport.profile(server, estDm, "{\"keyTypes\":[\"P-256\"]}");
        serverCertificate = Fixtures.der(server.call("GET", "/api/v1/bootstrap-server", null, null).json().get("certificateChain")
                .asString());
        bench = new Workbench(server);
    }

    @Test
    void wakaamaWithAKeyDerivedFromItsGroupKeyBootstrapsWithoutBeingRegistered() throws Exception {
        ToolCheck.require("stdbuf", "coreutils");
        ToolCheck.require(new Tool(List.of(WakaamaClient.clients().map(p -> p.resolve("v1_1-tlv/lwm2mclient").toString())
                .orElse("shared/interop/build.sh (Eclipse Wakaama's lwm2mclient)")), "", WakaamaClient.whyAbsent()));
        String prefix = Fixtures.unique("wk") + "-";
        String name = Fixtures.unique("wakaama-line");
        JsonNode group = ZeroTouch.group(server, """
                {"name":"%s","attestation":{"type":"SYMMETRIC_KEY","identityPrefix":"%s","derivedKeyLength":16},"endpointPattern":"urn:dev:wk:[0-9]+",
                 "labels":["line=wk"],"allocation":{"type":"STATIC","profile":"%s"}}""".formatted(name, prefix, pskProfile));
        String endpoint = "urn:dev:wk:" + (100000 + ZeroTouch.RANDOM.nextInt(899999));
        // The line tool asks for the device's key; it is HMAC-SHA256(group key, identity), as computed here too.
        TestServer.ApiResponse derived = server.call("POST", "/api/v1/enrollment-groups/" + name + "/derive",
                "{\"endpoint\":\"" + endpoint + "\"}");
        assertThat(derived.status()).as(derived.toString()).isEqualTo(200);
        String identity = derived.json().get("identity").asString();
        byte[] key = HexFormat.of().parseHex(derived.json().get("key").asString());
        TestOutput.rememberSecret(derived.json().get("key").asString());
        assertThat(identity).isEqualTo(prefix + endpoint);
        // tinydtls (Wakaama's DTLS) takes PSKs of at most 16 bytes and identities of at most 32: the group derives 16.
        assertThat(key).hasSize(16).isEqualTo(ZeroTouch.derive(group.get("groupKey").asString(), identity, 16));
        assertThat(ZeroTouch.device(server, endpoint)).as("nobody registered it").isNull();

        Map<Integer, Map<Integer, String>> security;
        try (WakaamaClient client = WakaamaClient.bootstrap(Variant.V1_1_TLV, server.coaps().getPort(), endpoint, identity, key)) {
            ZeroTouch.await(() -> succeeded(endpoint), Duration.ofSeconds(90), "a successful bootstrap of " + endpoint);
            security = client.dump(0);
        }
        JsonNode device = ZeroTouch.device(server, endpoint);
        assertThat(device.get("profile").asString()).isEqualTo(pskProfile);
        assertThat(device.get("labels").valueStream().map(JsonNode::asString)).containsExactly("line=wk");
        assertThat(device.get("bootstrapCredential").get("identity").asString()).isEqualTo(identity);
        JsonNode dmCredential = device.get("serverCredentials").get(0);
        // What Wakaama holds: its bootstrap account, and the DM account the group's profile gave the new device.
        assertThat(security).hasSize(2);
        assertThat(security.values()).anySatisfy(account -> {
            assertThat(account.get(3)).contains(WakaamaClient.opaque(dmCredential.get("identity").asString()
                    .getBytes(StandardCharsets.UTF_8)));
            assertThat(account.get(10)).contains("INTEGER:     171");
        });
        List<JsonNode> admitted = ZeroTouch.admissions(server, name, "ADMITTED");
        assertThat(admitted).singleElement().satisfies(a -> {
            assertThat(a.get("endpoint").asString()).isEqualTo(endpoint);
            assertThat(a.get("channel").asString()).isEqualTo("BOOTSTRAP");
            assertThat(a.get("attestation").get("pskIdentity").asString()).isEqualTo(identity);
            assertThat(a.get("allocation").get("source").asString()).isEqualTo("STATIC");
        });
        assertThat(server.call("GET", "/api/v1/enrollment-groups/" + name, null).json().get("admitted").asInt()).isEqualTo(1);
    }

    @Test
    void leshanWithAFactoryCertificateOfAGroupsCaBootstrapsThenEnrollsOverEstWithIt() throws Exception {
        Manufacturer acme = Manufacturer.registered(server, "Acme Sensors");
        String name = Fixtures.unique("acme-sensors");
        ZeroTouch.group(server, """
                {"name":"%s","attestation":{"type":"X509","manufacturerCas":["%s"]},"endpointPattern":"urn:dev:acme.*",
                 "allocation":{"type":"STATIC","profile":"%s"}}""".formatted(name, acme.name(), estProfile));
        String endpoint = Fixtures.unique("urn:dev:acme");
        FactoryCertificate idevid = acme.certificate(endpoint);

        Map<Integer, Map<Integer, Object>> held;
        try (LeshanDevice client = LeshanDevice.start(endpoint, Security.x509Bootstrap(LeshanDevice.uri(server.coaps()),
                idevid.certificate().getEncoded(), idevid.keys().getPrivate().getEncoded(), serverCertificate),
                Flavour.LWM2M_1_1_SENML_CBOR)) {
            LeshanDevice.Outcome outcome = client.awaitBootstrap(Duration.ofSeconds(30));
            // Its mode-4 account needs EST, which Leshan's client lacks: it says so after a complete bootstrap.
            assertThat(outcome.success() || String.valueOf(outcome.message()).contains("unsupported security mode"))
                    .as(outcome.toString()).isTrue();
            held = client.instances(0);
        }
        ZeroTouch.await(() -> succeeded(endpoint), Duration.ofSeconds(20), "the recorded bootstrap of " + endpoint);
        assertThat(held.values()).anySatisfy(account -> assertThat(account.get(2)).isEqualTo(4L));
        JsonNode device = ZeroTouch.device(server, endpoint);
        assertThat(device.get("profile").asString()).isEqualTo(estProfile);

        // The same device enrolls over EST with its factory certificate: the certificate lands on its mode-4 account.
        Path[] pem = idevid.pemFiles();
        Path key = bench.key("zt-leshan", "ec:P-256");
        CoapClientCli.Result enrolled = CoapClientCli.certificate(Build.OPENSSL, pem[0], pem[1])
                .post(est("sen"), bench.csr(key, endpoint), 286, 287, null);
        assertThat(enrolled.code()).as(enrolled.toString()).isEqualTo("2.04");
        Path issued = bench.certificatePem("zt-leshan-" + endpoint.replace(':', '_'), enrolled.payload());
        assertThat(bench.verify(issued)).contains(": OK");
        List<JsonNode> account = EstSupport.serverCredentials(server, endpoint, estDm);
        assertThat(account).singleElement().satisfies(c -> assertThat(c.get("certificateSerial").asString())
                .isEqualTo(EstSupport.certificates(server, endpoint).get(0).get("serial").asString()));
        assertThat(ZeroTouch.admissions(server, name, null)).singleElement()
                .satisfies(a -> assertThat(a.get("channel").asString()).isEqualTo("BOOTSTRAP"));
    }

    @Test
    void coapClientEnrollsWithAFactoryCertificateAsAnEstOnlyDeviceNobodyRegistered() throws Exception {
        Manufacturer gateways = Manufacturer.registered(server, "Acme Gateways");
        String name = Fixtures.unique("gateways");
        ZeroTouch.group(server, """
                {"name":"%s","attestation":{"type":"X509","manufacturerCas":["%s"]},"labels":["kind=gateway"],
                 "allocation":{"type":"STATIC","profile":"%s"}}""".formatted(name, gateways.name(), estProfile));
        String endpoint = Fixtures.unique("urn:dev:gw");
        FactoryCertificate idevid = gateways.certificate(endpoint);
        Path[] pem = idevid.pemFiles();
        Path key = bench.key("zt-gw", "ec:P-256");
        double admittedBefore = ZeroTouch.admissionsCounted(server, "X509", "admitted");

        CoapClientCli.Result enrolled = CoapClientCli.certificate(Build.OPENSSL, pem[0], pem[1])
                .post(est("sen"), bench.csr(key, endpoint), 286, 287, 64);
        assertThat(enrolled.code()).as(enrolled.toString()).isEqualTo("2.04");
        X509Certificate certificate = (X509Certificate) java.security.cert.CertificateFactory.getInstance("X.509")
                .generateCertificate(new java.io.ByteArrayInputStream(enrolled.payload()));
        assertThat(certificate.getSubjectX500Principal().getName()).isEqualTo("CN=" + endpoint);

        JsonNode device = ZeroTouch.device(server, endpoint);
        assertThat(device.get("profile").asString()).isEqualTo(estProfile);
        assertThat(device.get("labels").valueStream().map(JsonNode::asString)).containsExactly("kind=gateway");
        assertThat(device.get("bootstrapCredential").get("mode").asString()).isEqualTo("X509");
        assertThat(EstSupport.certificates(server, endpoint)).hasSize(1);
        assertThat(ZeroTouch.admissions(server, name, "ADMITTED")).singleElement().satisfies(a -> {
            assertThat(a.get("channel").asString()).isEqualTo("EST");
            assertThat(a.get("attestation").get("manufacturerCa").asString()).isEqualTo(gateways.name());
            assertThat(a.get("attestation").get("serial").asString())
                    .isEqualTo(idevid.certificate().getSerialNumber().toString(16));
        });

        // Audited with the group and the attestation, and counted.
        JsonNode audit = server.call("GET", "/api/v1/audit?action=device.admit&target=device:" + endpoint, null).json();
        assertThat(audit).singleElement().satisfies(e -> {
            assertThat(e.get("actor").asString()).isEqualTo("enrollment-group:" + name);
            assertThat(e.get("details").get("group").asString()).isEqualTo(name);
            assertThat(e.get("details").get("mechanism").asString()).isEqualTo("X509");
            assertThat(e.get("details").get("channel").asString()).isEqualTo("EST");
            assertThat(e.get("details").get("attestation").asString()).contains("CN=" + endpoint)
                    .contains(idevid.certificate().getSerialNumber().toString(16));
        });
        assertThat(ZeroTouch.admissionsCounted(server, "X509", "admitted")).isEqualTo(admittedBefore + 1);

        // A second enrollment is an ordinary device's: nothing is admitted again.
        CoapClientCli.Result again = CoapClientCli.certificate(Build.OPENSSL, pem[0], pem[1])
                .post(est("sen"), bench.csr(bench.key("zt-gw2", "ec:P-256"), endpoint), 286, 287, null);
        assertThat(again.code()).as(again.toString()).isEqualTo("2.04");
        assertThat(ZeroTouch.admissions(server, name, null)).hasSize(1);
    }

    @Test
    void theDeriveCallGivesTheDocumentedTestVectorAndOnlyForEndpointsOfThePattern() {
        String name = Fixtures.unique("vector");
        JsonNode group = ZeroTouch.group(server, """
                {"name":"%s","attestation":{"type":"SYMMETRIC_KEY","identityPrefix":"acme-",
                 "groupKey":"000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f"},
                 "endpointPattern":"urn:dev:ops:[0-9]{6}","allocation":{"type":"STATIC","profile":"%s"}}""".formatted(name, pskProfile));
        assertThat(group.has("groupKey")).as("a supplied key is not echoed").isFalse();
        TestServer.ApiResponse derived = server.call("POST", "/api/v1/enrollment-groups/" + name + "/derive",
                "{\"endpoint\":\"urn:dev:ops:000001\"}");
        assertThat(derived.status()).as(derived.toString()).isEqualTo(200);
        assertThat(derived.json().get("identity").asString()).isEqualTo("acme-urn:dev:ops:000001");
        assertThat(derived.json().get("key").asString()).isEqualTo("5267ae7afd518d4e699139beec5ceaff5ca0c5dbb4d25341b0bae48cfa689898");

        TestServer.ApiResponse outside = server.call("POST", "/api/v1/enrollment-groups/" + name + "/derive",
                "{\"endpoint\":\"urn:dev:other:1\"}");
        assertThat(outside.status()).isEqualTo(400);
        assertThat(outside.json().get("errors").get(0).get("field").asString()).isEqualTo("endpoint");
        assertThat(server.call("GET", "/api/v1/enrollment-groups/" + name, null).body()).doesNotContain("000102030405");
        JsonNode audit = server.call("GET", "/api/v1/audit?action=enrollment-group.derive&limit=5", null).json();
        assertThat(audit.valueStream().map(e -> e.get("target").asString())).contains("enrollment-group:" + name);
    }

    private static String est(String path) {
        return "coaps://127.0.0.1:" + server.coaps().getPort() + "/.well-known/est/" + path;
    }

    private static boolean succeeded(String endpoint) {
        JsonNode device = ZeroTouch.device(server, endpoint);
        if (device == null) {
            return false;
        }
        JsonNode sessions = server.call("GET", "/api/v1/devices/" + endpoint + "/sessions", null).json();
        return sessions.valueStream().anyMatch(s -> s.get("outcome").asString().equals("SUCCEEDED"));
    }
}
