package io.lwm2m.provisioning.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.eclipse.californium.core.coap.CoAP.ResponseCode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * The event outbox delivered to webhook subscriptions (issue 17, decision 078): a receiver that fails
 * for a while sees every event once it recovers, each device's in the order its changes happened,
 * each a CloudEvent signed with the subscription's secrets (both, while a rotated one overlaps); a
 * delivery that never succeeds becomes a dead letter the API shows and can send again. A server of its
 * own with quick retries (100 ms doubling to 1 s, 25 attempts).
 */
class EventDeliveryTest {

    private static final String PREFIX = "io.lwm2m.provisioning.";
    /** Attempts before a dead letter: about 22 s of a failing receiver at this server's backoff. */
    private static final int ATTEMPTS = 25;
    private static TestServer server;
    private static WebhookReceiver receiver;
    private static String dm;

    @BeforeAll
    static void start() {
        server = TestServer.start(TestServer.newDataDir(), Map.of("provisioning.events.initial-backoff", "100ms",
                "provisioning.events.max-backoff", "1s", "provisioning.events.max-attempts", String.valueOf(ATTEMPTS),
                "provisioning.events.poll-interval", "200ms"));
        receiver = new WebhookReceiver();
        dm = Fixtures.server(server, "coaps://127.0.0.1:9", 201, 300, "U", "PSK", true);
    }

    @AfterAll
    static void stop() {
        receiver.close();
        server.close();
    }

    private static JsonNode subscribe(String path, String types) {
        TestServer.ApiResponse created = server.call("POST", "/api/v1/event-subscriptions", """
                {"name":"%s","url":"%s","types":%s}""".formatted(Fixtures.unique("sub"), receiver.url(path), types));
        assertThat(created.status()).as(created.toString()).isEqualTo(201);
        TestOutput.rememberSecret(created.json().get("secret").asString());
        return created.json();
    }

    private static List<WebhookReceiver.Received> at(String path, List<WebhookReceiver.Received> received) {
        return received.stream().filter(r -> r.path().equals(path)).toList();
    }

    @Test
    void aReceiverThatFailsForAWhileSeesEveryEventInOrderWithValidSignatures() throws Exception {
        receiver.answering(503, "{\"error\":\"down for maintenance\"}");
        JsonNode subscription = subscribe("/ordered", "[\"" + PREFIX + "credential.*\",\"" + PREFIX + "device.admitted\"]");
        String first = subscription.get("secret").asString();
        // A device admitted on its first contact, and four registered ones, each going through a rotation's life.
        String prefix = Fixtures.unique("ev") + "-";
        String profile = Fixtures.profile(server, "{\"servers\":[{\"server\":\"" + dm + "\"}]}");
        JsonNode group = ZeroTouch.group(server, """
                {"name":"%s","attestation":{"type":"SYMMETRIC_KEY","identityPrefix":"%s"},"allocation":{"type":"STATIC","profile":"%s"}}"""
                .formatted(Fixtures.unique("events"), prefix, profile));
        String admitted = Fixtures.unique("urn:dev:ev");
        try (RawCoapsDevice device = RawCoapsDevice.psk(prefix + admitted, ZeroTouch.derive(group.get("groupKey").asString(),
                prefix + admitted), RawCoapsDevice.silent())) {
            assertThat(device.bootstrapRequest(server.coaps(), true, "ep=" + admitted).getCode()).isEqualTo(ResponseCode.CHANGED);
        }
        Map<String, List<String>> expected = new LinkedHashMap<>();
        expected.put(admitted, new ArrayList<>(List.of("device.admitted")));
        List<String> endpoints = new ArrayList<>(List.of(admitted));
        for (int i = 0; i < 4; i++) {
            endpoints.add(Fixtures.device(server, dm).endpoint());
            expected.put(endpoints.get(endpoints.size() - 1), new ArrayList<>());
        }
        for (int round = 0; round < 2; round++) {
            for (String endpoint : endpoints) {
                long id = rotate(endpoint);
                expected.get(endpoint).add("credential.rotated");
                if (round == 0) {
                    confirm(endpoint, id);
                    expected.get(endpoint).add("credential.confirmed");
                }
            }
        }
        for (String endpoint : endpoints) {
            TestServer.ApiResponse revoked = server.call("POST", "/api/v1/devices/" + endpoint + "/credentials/revoke",
                    "{\"target\":\"server\",\"server\":\"" + dm + "\"}");
            assertThat(revoked.status()).as(revoked.toString()).isEqualTo(200);
            expected.get(endpoint).addAll(List.of("credential.revoked", "credential.revoked"));
        }
        int total = expected.values().stream().mapToInt(List::size).sum();
        receiver.await(r -> at("/ordered", r).size() >= 10, Duration.ofSeconds(20));
        assertThat(server.bean(MeterRegistry.class).get("provisioning.event.deliveries.pending").gauge().value())
                .as("the backlog while the receiver is down").isGreaterThanOrEqualTo(total);
        // The secret rotates while the receiver is down: from now on both secrets sign.
        TestServer.ApiResponse rotated = server.call("POST", "/api/v1/event-subscriptions/" + subscription.get("name").asString()
                + "/secret", null);
        assertThat(rotated.status()).as(rotated.toString()).isEqualTo(201);
        String second = rotated.json().get("secret").asString();
        TestOutput.rememberSecret(second);
        Thread.sleep(1500);
        receiver.answering(204, null);

        List<WebhookReceiver.Received> accepted = at("/ordered", receiver.await(r -> at("/ordered", r).stream()
                .filter(x -> x.answered() == 204).count() >= total, Duration.ofSeconds(60)))
                .stream().filter(x -> x.answered() == 204).toList();
        assertThat(accepted).hasSize(total);
        assertThat(accepted.stream().map(WebhookReceiver.Received::id).collect(Collectors.toSet())).as("each event once").hasSize(total);
        Map<String, List<String>> seen = new LinkedHashMap<>();
        for (WebhookReceiver.Received event : accepted) {
            JsonNode cloudEvent = event.json();
            assertThat(cloudEvent.get("specversion").asString()).isEqualTo("1.0");
            assertThat(cloudEvent.get("id").asString()).isEqualTo(event.id());
            assertThat(WebhookReceiver.signedWith(event, second)).as("signed with the current secret").isTrue();
            assertThat(WebhookReceiver.signedWith(event, first)).as("and, during the overlap, the previous one").isTrue();
            seen.computeIfAbsent(cloudEvent.get("subject").asString(), s -> new ArrayList<>())
                    .add(cloudEvent.get("type").asString().substring(PREFIX.length()));
        }
        assertThat(seen).isEqualTo(expected);
        assertThat(at("/ordered", receiver.received()).stream().filter(r -> r.answered() == 503)).as("failed attempts").isNotEmpty();
        // The dispatcher records an answer, then counts it: the receiver may have seen the last one a moment before.
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while ((count("delivered") < total || server.bean(MeterRegistry.class).get("provisioning.event.delivery").timer().count() < total)
                && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        assertThat(count("delivered")).isGreaterThanOrEqualTo(total);
        assertThat(count("failed")).isPositive();
        assertThat(server.bean(MeterRegistry.class).get("provisioning.event.delivery").timer().count())
                .as("answers timed").isGreaterThanOrEqualTo(total);
        JsonNode counts = server.call("GET", "/api/v1/event-subscriptions/" + subscription.get("name").asString(), null).json()
                .get("deliveries");
        assertThat(counts.get("DELIVERED").asInt()).isEqualTo(total);
        assertThat(counts.get("DEAD").asInt()).isZero();
    }

    @Test
    void aDeliveryThatNeverSucceedsIsADeadLetterTheApiShowsAndSendsAgain() throws Exception {
        receiver.answering(204, null);
        WebhookReceiver failing = new WebhookReceiver().answering(500, "{\"error\":\"broken\"}");
        try {
            TestServer.ApiResponse created = server.call("POST", "/api/v1/event-subscriptions", """
                    {"name":"%s","url":"%s","types":["%scredential.rotated"]}"""
                    .formatted(Fixtures.unique("dead"), failing.url("/dead"), PREFIX));
            assertThat(created.status()).as(created.toString()).isEqualTo(201);
            TestOutput.rememberSecret(created.json().get("secret").asString());
            String name = created.json().get("name").asString();
            String endpoint = Fixtures.device(server, dm).endpoint();
            rotate(endpoint);
            ZeroTouch.await(() -> deliveries(name, "DEAD").size() == 1, Duration.ofSeconds(90), "a dead letter");
            JsonNode dead = deliveries(name, "DEAD").get(0);
            assertThat(dead.get("attempts").asInt()).isEqualTo(ATTEMPTS);
            assertThat(dead.get("lastStatus").asInt()).isEqualTo(500);
            assertThat(dead.get("lastError").asString()).contains("HTTP 500");
            assertThat(dead.get("subject").asString()).isEqualTo(endpoint);
            assertThat(failing.received()).hasSize(ATTEMPTS);

            failing.answering(204, null);
            TestServer.ApiResponse retried = server.call("POST", "/api/v1/event-subscriptions/" + name + "/deliveries/"
                    + dead.get("id").asLong() + "/retry", null);
            assertThat(retried.status()).as(retried.toString()).isEqualTo(202);
            ZeroTouch.await(() -> deliveries(name, "DELIVERED").size() == 1, Duration.ofSeconds(10), "the dead letter delivered");
            assertThat(failing.accepted()).singleElement().satisfies(r -> assertThat(r.id()).isEqualTo(dead.get("eventId").asString()));
            assertThat(deliveries(name, "DEAD")).isEmpty();
            assertThat(count("dead")).isPositive();
        } finally {
            failing.close();
        }
    }

    @Test
    void sessionsCertificatesAndImportsArePublishedAsTheChangesCommit() throws Exception {
        try (WebhookReceiver own = new WebhookReceiver().answering(204, null)) {
            TestServer.ApiResponse created = server.call("POST", "/api/v1/event-subscriptions", """
                    {"name":"%s","url":"%s","types":["%sbootstrap.*","%scertificate.*","%simport.finished"]}"""
                    .formatted(Fixtures.unique("kinds"), own.url("/kinds"), PREFIX, PREFIX, PREFIX));
            assertThat(created.status()).as(created.toString()).isEqualTo(201);
            TestOutput.rememberSecret(created.json().get("secret").asString());
            String secret = created.json().get("secret").asString();

            // A registered device bootstraps with Leshan's client, then asks for a content format nobody writes.
            Fixtures.Device device = Fixtures.device(server, dm);
            try (LeshanDevice client = LeshanDevice.start(device.endpoint(), server.coaps(), device.identity(), device.key(),
                    LeshanDevice.Flavour.LWM2M_1_1_SENML_CBOR)) {
                assertThat(client.awaitBootstrap(Duration.ofSeconds(30)).success()).isTrue();
            }
            try (RawCoapsDevice raw = RawCoapsDevice.psk(device.identity(), device.key(), RawCoapsDevice.silent())) {
                assertThat(raw.bootstrapRequest(server.coaps(), true, "ep=" + device.endpoint() + "&pct=11543").getCode())
                        .isEqualTo(ResponseCode.UNSUPPORTED_CONTENT_FORMAT);
            }
            // Our CA issues a device's bootstrap certificate, and revokes it.
            Fixtures.Device x509 = Fixtures.deviceWith(server, "X509", dm);
            String serial = x509.created().get("bootstrapCredential").get("certificateSerial").asString();
            TestServer.ApiResponse revoked = server.call("POST", "/api/v1/certificates/" + serial + "/revoke",
                    "{\"reason\":\"keyCompromise\"}");
            assertThat(revoked.status()).as(revoked.toString()).isEqualTo(200);
            // An import job ends.
            String csv = "endpoint,profile,mode\n" + Fixtures.unique("urn:dev:ev-import") + ","
                    + Fixtures.profile(server, "{\"servers\":[{\"server\":\"" + dm + "\"}]}") + ",psk\n";
            String importId = Imports.upload(server, "text/csv", csv.getBytes(java.nio.charset.StandardCharsets.UTF_8), "").json()
                    .get("id").asString();
            assertThat(Imports.await(server, importId, Duration.ofSeconds(30)).get("state").asString()).isEqualTo("SUCCEEDED");

            Set<String> subjects = Set.of(device.endpoint(), x509.endpoint(), importId);
            List<WebhookReceiver.Received> mine = own.await(r -> at("/kinds", r).stream()
                    .filter(x -> subjects.contains(x.json().get("subject").asString())).count() >= 5, Duration.ofSeconds(30))
                    .stream().filter(x -> subjects.contains(x.json().get("subject").asString())).toList();
            assertThat(mine).allSatisfy(x -> assertThat(WebhookReceiver.signedWith(x, secret)).as("signed").isTrue());
            List<JsonNode> events = mine.stream().map(WebhookReceiver.Received::json).toList();
            assertThat(events).extracting(e -> e.get("subject").asString() + " " + e.get("type").asString().substring(PREFIX.length()))
                    .containsExactlyInAnyOrder(device.endpoint() + " bootstrap.succeeded", device.endpoint() + " bootstrap.failed",
                            x509.endpoint() + " certificate.issued", x509.endpoint() + " certificate.revoked",
                            importId + " import.finished");
            assertThat(events).filteredOn(e -> e.get("type").asString().endsWith("bootstrap.failed")).singleElement()
                    .satisfies(e -> assertThat(e.get("data").get("failure").asString()).isEqualTo("UNSUPPORTED_CONTENT_FORMAT"));
            assertThat(events).filteredOn(e -> e.get("type").asString().endsWith("certificate.revoked")).singleElement()
                    .satisfies(e -> assertThat(e.get("data").get("serial").asString()).isEqualToIgnoringCase(serial));
            assertThat(events).filteredOn(e -> e.get("type").asString().endsWith("import.finished")).singleElement()
                    .satisfies(e -> assertThat(e.get("data").get("state").asString()).isEqualTo("SUCCEEDED"));
        }
    }

    @Test
    void aSubscriptionNeedsAKnownTypeAndAnHttpUrl() {
        TestServer.ApiResponse bad = server.call("POST", "/api/v1/event-subscriptions", """
                {"name":"%s","url":"file:///etc/passwd","types":["device.nothing"]}""".formatted(Fixtures.unique("bad")));
        assertThat(bad.status()).isEqualTo(400);
        Set<String> fields = new HashSet<>();
        bad.json().get("errors").valueStream().forEach(e -> fields.add(e.get("field").asString()));
        assertThat(fields).containsExactlyInAnyOrder("url", "types[0]");
    }

    /** Plain http only to this machine: over a network anyone on the path reads the events (decision 091). */
    @Test
    void aWebhookGoesOverHttpsOrToThisMachine() {
        String plain = Fixtures.unique("plain");
        TestServer.ApiResponse refused = server.call("POST", "/api/v1/event-subscriptions", """
                {"name":"%s","url":"http://platform.example/events","types":["io.lwm2m.provisioning.device.*"]}""".formatted(plain));
        assertThat(refused.status()).isEqualTo(400);
        assertThat(refused.json().get("errors").get(0).get("field").asString()).isEqualTo("url");
        assertThat(refused.json().get("errors").get(0).get("message").asString()).contains("https");
        assertThat(server.call("GET", "/api/v1/event-subscriptions/" + plain, null).status()).isEqualTo(404);

        String secure = Fixtures.unique("secure");
        assertThat(server.call("POST", "/api/v1/event-subscriptions", """
                {"name":"%s","url":"https://platform.example/events","types":["io.lwm2m.provisioning.device.*"],"state":"DISABLED"}"""
                .formatted(secure)).status()).isEqualTo(201);
        TestServer.ApiResponse downgraded = server.call("PUT", "/api/v1/event-subscriptions/" + secure, """
                {"name":"%s","url":"http://platform.example/events","types":["io.lwm2m.provisioning.device.*"],"state":"DISABLED"}"""
                .formatted(secure));
        assertThat(downgraded.status()).isEqualTo(400);
        assertThat(server.call("GET", "/api/v1/event-subscriptions/" + secure, null).json().get("url").asString())
                .isEqualTo("https://platform.example/events");
        assertThat(server.call("DELETE", "/api/v1/event-subscriptions/" + secure, null).status()).isEqualTo(204);

        String dmName = Fixtures.unique("dm-plain");
        TestServer.ApiResponse dmRefused = server.call("POST", "/api/v1/servers", """
                {"name":"%s","uri":"coaps://dm.example:5684","shortServerId":77,"lifetime":300,"binding":"U","securityMode":"PSK",
                 "rotationWebhookUrl":"http://dm.example/rotations"}""".formatted(dmName));
        assertThat(dmRefused.status()).as(dmRefused.toString()).isEqualTo(400);
        assertThat(dmRefused.json().get("errors").get(0).get("field").asString()).isEqualTo("rotationWebhookUrl");
        assertThat(server.call("GET", "/api/v1/servers/" + dmName, null).status()).as("nothing of the server kept").isEqualTo(404);
    }

    private static long rotate(String endpoint) {
        TestServer.ApiResponse rotated = server.call("POST", "/api/v1/devices/" + endpoint + "/credentials/rotate",
                "{\"target\":\"server\",\"server\":\"" + dm + "\"}");
        assertThat(rotated.status()).as(rotated.toString()).isEqualTo(201);
        TestOutput.rememberSecret(rotated.json().get("key").asString());
        return rotated.json().get("id").asLong();
    }

    private static void confirm(String endpoint, long credentialId) {
        TestServer.ApiResponse confirmed = server.call("POST", "/api/v1/devices/" + endpoint + "/credentials/" + credentialId + "/confirm",
                null);
        assertThat(confirmed.status()).as(confirmed.toString()).isEqualTo(200);
    }

    private static List<JsonNode> deliveries(String subscription, String state) {
        return server.call("GET", "/api/v1/event-subscriptions/" + subscription + "/deliveries?state=" + state, null).json()
                .valueStream().toList();
    }

    private static double count(String outcome) {
        Counter counter = server.bean(MeterRegistry.class).find("provisioning.event.deliveries").tag("outcome", outcome).counter();
        return counter == null ? 0 : counter.count();
    }
}
