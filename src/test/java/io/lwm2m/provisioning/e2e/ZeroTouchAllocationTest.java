package io.lwm2m.provisioning.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.lwm2m.provisioning.e2e.LeshanDevice.Flavour;
import io.lwm2m.provisioning.e2e.ZeroTouch.FactoryCertificate;
import io.lwm2m.provisioning.e2e.ZeroTouch.Manufacturer;
import java.time.Duration;
import java.time.Instant;
import org.eclipse.californium.core.coap.CoAP.ResponseCode;
import org.eclipse.californium.core.coap.Response;
import org.eclipse.leshan.client.object.Security;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * How an enrollment group chooses an admitted device's profile (issue 17, decision 077): by rules
 * (endpoint pattern, certificate subject), or by an allocation webhook that gets the attestation as a
 * signed POST and answers a profile and labels; a webhook that times out or answers garbage leaves the
 * group's fallback profile, and the admission record says which and why.
 */
class ZeroTouchAllocationTest {

    private static TestServer server;
    private static String fallback;
    private static String chosen;
    private static WebhookReceiver webhook;

    @BeforeAll
    static void setUp() {
        server = TestServer.shared();
        String dm = Fixtures.server(server, "coaps://127.0.0.1:9", 191, 300, "U", "PSK", true);
        fallback = Fixtures.profile(server, "{\"servers\":[{\"server\":\"" + dm + "\"}]}");
        chosen = Fixtures.profile(server, "{\"servers\":[{\"server\":\"" + dm + "\",\"lifetime\":900}]}");
        webhook = new WebhookReceiver();
    }

    @AfterAll
    static void stop() {
        webhook.close();
    }

    private record Group(String name, String prefix, String key, String allocationSecret) {

        byte[] keyOf(String endpoint) {
            return ZeroTouch.derive(key, prefix + endpoint);
        }
    }

    private static Group group(String allocation) {
        String name = Fixtures.unique("alloc");
        String prefix = Fixtures.unique("za") + "-";
        JsonNode group = ZeroTouch.group(server, """
                {"name":"%s","attestation":{"type":"SYMMETRIC_KEY","identityPrefix":"%s"},"labels":["fleet=z"],"allocation":%s}"""
                .formatted(name, prefix, allocation));
        return new Group(name, prefix, group.get("groupKey").asString(),
                group.has("allocationSecret") ? group.get("allocationSecret").asString() : null);
    }

    private static Response firstContact(Group group, String endpoint) throws InterruptedException {
        try (RawCoapsDevice device = RawCoapsDevice.psk(group.prefix() + endpoint, group.keyOf(endpoint), RawCoapsDevice.silent())) {
            return device.bootstrapRequest(server.coaps(), true, "ep=" + endpoint);
        }
    }

    private static JsonNode admission(Group group, String endpoint) {
        return ZeroTouch.admissions(server, group.name(), null).stream().filter(a -> a.get("endpoint").asString().equals(endpoint))
                .findFirst().orElseThrow();
    }

    @Test
    void theWebhookGetsTheAttestationSignedAndItsAnswerChoosesTheProfileAndLabels() throws Exception {
        webhook.answering(200, "{\"profile\":\"" + chosen + "\",\"labels\":[\"customer=globex\"]}");
        Group group = group("{\"type\":\"WEBHOOK\",\"url\":\"" + webhook.url("/allocate/ok") + "\",\"profile\":\"" + fallback + "\"}");
        String endpoint = Fixtures.unique("urn:dev:za");

        assertThat(firstContact(group, endpoint).getCode()).isEqualTo(ResponseCode.CHANGED);

        WebhookReceiver.Received asked = webhook.received().stream().filter(r -> r.path().equals("/allocate/ok")
                && r.body().contains(endpoint)).findFirst().orElseThrow();
        assertThat(WebhookReceiver.signedWith(asked, group.allocationSecret())).as("signed with the group's secret").isTrue();
        assertThat(Math.abs(Long.parseLong(asked.timestamp()) - Instant.now().getEpochSecond())).isLessThan(60);
        JsonNode request = asked.json();
        assertThat(request.get("group").asString()).isEqualTo(group.name());
        assertThat(request.get("channel").asString()).isEqualTo("BOOTSTRAP");
        assertThat(request.get("attestation").get("pskIdentity").asString()).isEqualTo(group.prefix() + endpoint);
        JsonNode device = ZeroTouch.device(server, endpoint);
        assertThat(device.get("profile").asString()).isEqualTo(chosen);
        assertThat(device.get("labels").valueStream().map(JsonNode::asString)).containsExactly("fleet=z", "customer=globex");
        assertThat(admission(group, endpoint).get("allocation").get("source").asString()).isEqualTo("WEBHOOK");
    }

    @Test
    void aWebhookThatDoesNotAnswerInTimeLeavesTheFallbackProfileAndSaysSo() throws Exception {
        Group group = group("{\"type\":\"WEBHOOK\",\"url\":\"" + webhook.url("/allocate/slow") + "\",\"timeoutMillis\":500,"
                + "\"profile\":\"" + fallback + "\"}");
        String endpoint = Fixtures.unique("urn:dev:za");
        webhook.hold();
        try {
            assertThat(firstContact(group, endpoint).getCode()).isEqualTo(ResponseCode.CHANGED);
        } finally {
            webhook.release();
        }
        assertThat(ZeroTouch.device(server, endpoint).get("profile").asString()).isEqualTo(fallback);
        JsonNode allocation = admission(group, endpoint).get("allocation");
        assertThat(allocation.get("source").asString()).isEqualTo("FALLBACK");
        assertThat(allocation.get("detail").asString()).contains("no answer within 500 ms");
    }

    @Test
    void aWebhookAnsweringGarbageLeavesTheFallbackProfileAndSaysSo() throws Exception {
        webhook.answering(200, "<html>not json</html>");
        Group group = group("{\"type\":\"WEBHOOK\",\"url\":\"" + webhook.url("/allocate/garbage") + "\",\"profile\":\"" + fallback + "\"}");
        String endpoint = Fixtures.unique("urn:dev:za");

        assertThat(firstContact(group, endpoint).getCode()).isEqualTo(ResponseCode.CHANGED);

        assertThat(ZeroTouch.device(server, endpoint).get("profile").asString()).isEqualTo(fallback);
        JsonNode allocation = admission(group, endpoint).get("allocation");
        assertThat(allocation.get("source").asString()).isEqualTo("FALLBACK");
        assertThat(allocation.get("detail").asString()).contains("not JSON");
    }

    @Test
    void aWebhookNamingAnUnknownProfileWithNoFallbackRefusesTheDevice() throws Exception {
        webhook.answering(200, "{\"profile\":\"no-such-profile\"}");
        Group group = group("{\"type\":\"WEBHOOK\",\"url\":\"" + webhook.url("/allocate/unknown") + "\"}");
        String endpoint = Fixtures.unique("urn:dev:za");

        assertThat(firstContact(group, endpoint).getCode()).isEqualTo(ResponseCode.BAD_REQUEST);

        JsonNode refusal = admission(group, endpoint);
        assertThat(refusal.get("refusal").asString()).isEqualTo("NOT_ALLOCATED");
        assertThat(refusal.get("reason").asString()).contains("'no-such-profile', which does not exist").contains("no fallback profile");
        assertThat(ZeroTouch.device(server, endpoint)).isNull();
    }

    @Test
    void rulesChooseByEndpointAndTheDefaultTakesTheRest() throws Exception {
        Group group = group("""
                {"type":"RULES","rules":[{"endpointPattern":"urn:dev:za:vip-.*","profile":"%s","labels":["tier=vip"]}],
                 "profile":"%s"}""".formatted(chosen, fallback));
        String vip = "urn:dev:za:vip-" + ZeroTouch.RANDOM.nextInt(1_000_000);
        String plain = Fixtures.unique("urn:dev:za");

        assertThat(firstContact(group, vip).getCode()).isEqualTo(ResponseCode.CHANGED);
        assertThat(firstContact(group, plain).getCode()).isEqualTo(ResponseCode.CHANGED);

        assertThat(ZeroTouch.device(server, vip).get("profile").asString()).isEqualTo(chosen);
        assertThat(ZeroTouch.device(server, vip).get("labels").valueStream().map(JsonNode::asString)).contains("tier=vip");
        assertThat(admission(group, vip).get("allocation").get("rule").asInt()).isEqualTo(0);
        assertThat(ZeroTouch.device(server, plain).get("profile").asString()).isEqualTo(fallback);
        assertThat(admission(group, plain).get("allocation").get("source").asString()).isEqualTo("DEFAULT");
    }

    @Test
    void rulesChooseByTheFactoryCertificatesSubject() throws Exception {
        Manufacturer acme = Manufacturer.registered(server, "Acme Lines");
        String name = Fixtures.unique("by-line");
        ZeroTouch.group(server, """
                {"name":"%s","attestation":{"type":"X509","manufacturerCas":["%s"]},
                 "allocation":{"type":"RULES","rules":[{"subject":{"OU":"line-7","O":"Acme.*"},"profile":"%s"}]}}"""
                .formatted(name, acme.name(), chosen));
        String endpoint = Fixtures.unique("urn:dev:line7");
        FactoryCertificate idevid = acme.certificate(endpoint, "line-7", Instant.now().minusSeconds(60), Duration.ofDays(30));
        byte[] serverCertificate = Fixtures.der(server.call("GET", "/api/v1/bootstrap-server", null, null).json()
                .get("certificateChain").asString());
        try (LeshanDevice client = LeshanDevice.start(endpoint, Security.x509Bootstrap(LeshanDevice.uri(server.coaps()),
                idevid.certificate().getEncoded(), idevid.keys().getPrivate().getEncoded(), serverCertificate),
                Flavour.LWM2M_1_1_SENML_CBOR)) {
            assertThat(client.awaitBootstrap(Duration.ofSeconds(15)).success()).isTrue();
        }
        assertThat(ZeroTouch.device(server, endpoint).get("profile").asString()).isEqualTo(chosen);
        assertThat(ZeroTouch.admissions(server, name, "ADMITTED")).singleElement().satisfies(a -> {
            assertThat(a.get("attestation").get("subjectAttributes").get("OU").asString()).isEqualTo("line-7");
            assertThat(a.get("allocation").get("source").asString()).isEqualTo("RULE");
        });
    }
}
