package io.lwm2m.provisioning.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.lwm2m.provisioning.app.EmbeddedDatabase;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * A replica killed (SIGKILL) after its changes committed but before their events were delivered loses
 * none of them (issue 17): the outbox is in PostgreSQL, so another replica delivers them once the dead
 * one's lease on the delivery it had begun runs out, in order, the first one again under the same
 * event id (receivers de-duplicate by it).
 */
class EventOutboxCrashTest {

    private static final Pattern TOMCAT = Pattern.compile("Tomcat started on ports? (\\d+)");

    @Test
    void eventsCommittedByAReplicaKilledBeforeDeliveringThemAreDeliveredByAnother() throws Exception {
        TestOutput.install();
        byte[] raw = new byte[32];
        new SecureRandom().nextBytes(raw);
        String kek = Base64.getEncoder().encodeToString(raw);
        TestOutput.rememberSecret(kek);
        try (EmbeddedDatabase database = EmbeddedDatabase.temporary(); WebhookReceiver receiver = new WebhookReceiver()) {
            TestOutput.rememberSecret(database.password());
            Path dataDir = TestServer.newDataDir();
            Path log = dataDir.resolve("replica-a.log");
            Process replicaA = startReplica(dataDir, log, database, kek);
            List<String> expected = new ArrayList<>();
            String endpoint;
            try {
                int port = awaitPort(replicaA, log, dataDir);
                Api api = new Api(port, Files.readString(dataDir.resolve("initial-admin-key")).trim());
                TestOutput.rememberSecret(api.key());
                api.call("POST", "/api/v1/servers", """
                        {"name":"dm-crash","uri":"coaps://dm.example:5684","shortServerId":7,"lifetime":300,"binding":"U","securityMode":"PSK"}""");
                JsonNode subscription = api.call("POST", "/api/v1/event-subscriptions", """
                        {"name":"crash","url":"%s","types":["io.lwm2m.provisioning.credential.*"]}""".formatted(receiver.url("/crash")));
                TestOutput.rememberSecret(subscription.get("secret").asString());
                JsonNode device = api.call("POST", "/api/v1/devices", """
                        {"endpoint":"urn:dev:crash:1","servers":["dm-crash"],"bootstrapCredential":{"mode":"PSK"}}""");
                Fixtures.Device.of(device);
                endpoint = device.get("endpoint").asString();
                receiver.hold(); // the receiver takes the first delivery and answers nothing
                long id = rotate(api, endpoint);
                expected.add("credential.rotated");
                receiver.await(r -> !r.isEmpty(), Duration.ofSeconds(30));
                api.call("POST", "/api/v1/devices/" + endpoint + "/credentials/" + id + "/confirm", null);
                expected.add("credential.confirmed");
                rotate(api, endpoint);
                expected.add("credential.rotated");
            } finally {
                ImportCrashTest.kill(replicaA, dataDir);
                System.out.println(Files.readString(log, StandardCharsets.UTF_8));
            }
            String heldId = receiver.received().get(0).id();
            receiver.release();
            receiver.answering(204, null);

            try (TestServer replicaB = TestServer.start(TestServer.newDataDir(), Map.of(
                    "spring.datasource.url", database.jdbcUrl(), "spring.datasource.username", database.username(),
                    "spring.datasource.password", database.password(), "provisioning.secrets.kek", kek,
                    "provisioning.events.poll-interval", "200ms"))) {
                List<WebhookReceiver.Received> accepted = receiver.await(r -> r.stream().filter(x -> x.answered() == 204).count() >= 3,
                        Duration.ofSeconds(90)).stream().filter(x -> x.answered() == 204).toList();
                assertThat(accepted).hasSize(3);
                assertThat(accepted.get(0).id()).as("the delivery the dead replica had begun, again").isEqualTo(heldId);
                assertThat(accepted.stream().map(r -> r.json().get("type").asString().substring("io.lwm2m.provisioning.".length()))
                        .toList()).isEqualTo(expected);
                assertThat(accepted).allSatisfy(r -> assertThat(r.json().get("subject").asString()).isEqualTo(endpoint));
            }
        }
    }

    /** A replica in a JVM of its own (so that it can be killed), on the shared database, with a short delivery lease. */
    private static Process startReplica(Path dataDir, Path log, EmbeddedDatabase database, String kek) throws IOException {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx384m", "-cp", System.getProperty("java.class.path"), "io.lwm2m.provisioning.ProvisioningServerApplication",
                "--provisioning.data-dir=" + dataDir, "--server.port=0", "--server.address=127.0.0.1",
                "--management.server.port=0", "--provisioning.coap.address=127.0.0.1", "--provisioning.coap.port=0",
                "--provisioning.coaps.port=0", "--provisioning.est.https.address=127.0.0.1", "--provisioning.est.https.port=0",
                "--spring.datasource.url=" + database.jdbcUrl(), "--spring.datasource.username=" + database.username(),
                "--spring.datasource.password=" + database.password(), "--provisioning.secrets.kek=" + kek,
                "--provisioning.events.timeout=3s", "--provisioning.events.lease=5s"));
        return new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    }

    private static int awaitPort(Process child, Path log, Path dataDir) throws Exception {
        Instant deadline = Instant.now().plusSeconds(180);
        while (Instant.now().isBefore(deadline)) {
            assertThat(child.isAlive()).as("the replica exited: " + Files.readString(log)).isTrue();
            Matcher m = TOMCAT.matcher(Files.readString(log, StandardCharsets.UTF_8));
            Path key = dataDir.resolve("initial-admin-key");
            if (m.find() && Files.exists(key) && !Files.readString(key).isBlank()) {
                return Integer.parseInt(m.group(1));
            }
            Thread.sleep(200);
        }
        throw new AssertionError("the replica did not start within 180 s");
    }

    private static long rotate(Api api, String endpoint) throws Exception {
        JsonNode rotated = api.call("POST", "/api/v1/devices/" + endpoint + "/credentials/rotate", "{\"target\":\"server\",\"server\":\"dm-crash\"}");
        TestOutput.rememberSecret(rotated.get("key").asString());
        return rotated.get("id").asLong();
    }

    /** The killed replica's API. */
    private record Api(int port, String key) {

        JsonNode call(String method, String path, String body) throws IOException, InterruptedException {
            HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                    .timeout(Duration.ofSeconds(30)).header("Authorization", "Bearer " + key)
                    .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
            if (body != null) {
                request.header("Content-Type", "application/json");
            }
            HttpResponse<String> response = HttpClient.newHttpClient().send(request.build(), HttpResponse.BodyHandlers.ofString());
            assertThat(response.statusCode()).as(method + " " + path + ": " + response.body()).isBetween(200, 299);
            return TestServer.JSON.readTree(response.body());
        }
    }
}
