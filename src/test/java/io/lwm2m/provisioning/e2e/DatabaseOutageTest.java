package io.lwm2m.provisioning.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.lwm2m.provisioning.app.EmbeddedDatabase;
import io.lwm2m.provisioning.bootstrap.history.SessionHistoryWriter;
import io.lwm2m.provisioning.testing.TestDataDirectories;
import io.micrometer.core.instrument.MeterRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.eclipse.californium.core.coap.CoAP.ResponseCode;
import org.eclipse.californium.core.coap.Request;
import org.eclipse.californium.core.coap.Response;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * The fault suite of issue 15: the server's PostgreSQL is killed (immediate shutdown, no
 * checkpoint) under bootstrap load from Eclipse Leshan's client, stays down, and is started again
 * on the same data. Afterwards every bootstrap a client saw succeed has its history row, no session
 * is left RUNNING, the audit chain verifies, no client address was blocked, and devices bootstrap.
 */
class DatabaseOutageTest {

    private static final int DEVICES = 12;
    private static final int CLIENTS = 3;

    @Test
    void aKilledAndRestartedDatabaseLosesNoHistoryAndBlocksNoClient() throws Exception {
        Path dbDir = TestDataDirectories.create("provisioning-outage-");
        EmbeddedDatabase database = EmbeddedDatabase.start(dbDir.resolve("postgres"));
        try (TcpRelay relay = new TcpRelay(database.port()); TestServer server = behind(relay, database)) {
            String dm = Fixtures.server(server, "coaps://dm.outage.example:5684", 151, 300, "U", "PSK", true);
            List<Fixtures.Device> devices = new ArrayList<>();
            for (int i = 0; i < DEVICES; i++) {
                devices.add(Fixtures.device(server, dm));
            }
            Map<String, AtomicInteger> succeeded = new ConcurrentHashMap<>();
            AtomicInteger failed = new AtomicInteger();
            AtomicBoolean loading = new AtomicBoolean(true);
            ExecutorService load = Executors.newFixedThreadPool(CLIENTS);
            for (int c = 0; c < CLIENTS; c++) {
                int first = c;
                load.submit(() -> {
                    for (int n = first; loading.get(); n += CLIENTS) {
                        Fixtures.Device device = devices.get(n % DEVICES);
                        try (LeshanDevice client = LeshanDevice.start(device.endpoint(), server.coaps(), device.identity(),
                                device.key(), LeshanDevice.Flavour.LWM2M_1_1_SENML_CBOR)) {
                            if (client.awaitBootstrap(Duration.ofSeconds(10)).success()) {
                                succeeded.computeIfAbsent(device.endpoint(), e -> new AtomicInteger()).incrementAndGet();
                            } else {
                                failed.incrementAndGet();
                            }
                        } catch (Exception e) {
                            failed.incrementAndGet();
                        }
                    }
                    return null;
                });
            }

            Thread.sleep(6_000);
            int beforeOutage = total(succeeded);
            kill(dbDir.resolve("postgres"));
            try {
                database.close(); // releases the data directory's lock; its server is gone already
            } catch (java.io.IOException | RuntimeException expected) {
                // pg_ctl finds nothing to stop
            }
            Thread.sleep(12_000);
            EmbeddedDatabase restarted = EmbeddedDatabase.start(dbDir.resolve("postgres"));
            relay.target(restarted.port());
            Thread.sleep(12_000);
            loading.set(false);
            load.shutdown();
            assertThat(load.awaitTermination(60, TimeUnit.SECONDS)).isTrue();

            try {
                assertThat(beforeOutage).as("bootstraps before the outage").isPositive();
                assertThat(total(succeeded)).as("bootstraps after the restart").isGreaterThan(beforeOutage);
                // Every bootstrap a client saw succeed has its row.
                for (Map.Entry<String, AtomicInteger> seen : succeeded.entrySet()) {
                    long rows = sessions(server, seen.getKey()).valueStream()
                            .filter(s -> s.get("outcome").asString().equals("SUCCEEDED")).count();
                    assertThat(rows).as("succeeded sessions recorded for " + seen.getKey()).isGreaterThanOrEqualTo(seen.getValue().get());
                }
                assertThat(server.runningSessions()).isZero();
                for (Fixtures.Device device : devices) {
                    assertThat(sessions(server, device.endpoint()).valueStream().map(s -> s.get("outcome").asString()))
                            .doesNotContain("RUNNING");
                }
                assertThat(server.call("GET", "/api/v1/audit/verify", null).json().get("valid").asBoolean()).isTrue();
                MeterRegistry metrics = server.bean(MeterRegistry.class);
                assertThat(metrics.counter("provisioning.bootstrap.sources.blocked").count()).isZero();
                assertThat(metrics.counter("provisioning.bootstrap.history.dropped").count()).isZero();
                assertThat(metrics.counter("provisioning.dtls.handshake.failures", "reason", "server-error").count())
                        .as("handshakes the outage failed, none counted against the clients").isPositive();
                Fixtures.Device last = devices.get(0);
                try (LeshanDevice client = LeshanDevice.start(last.endpoint(), server.coaps(), last.identity(), last.key(),
                        LeshanDevice.Flavour.LWM2M_1_1_SENML_CBOR)) {
                    assertThat(client.awaitBootstrap(Duration.ofSeconds(10)).success()).isTrue();
                }
                System.out.printf("DatabaseOutageTest: %d bootstraps succeeded (%d before the outage), %d failed during it,"
                        + " 0 rows lost, 0 sources blocked%n", total(succeeded), beforeOutage, failed.get());
            } finally {
                server.close();
                restarted.close();
            }
        }
    }

    /**
     * A session that delivers a rotated credential ends while the database is unreachable: the
     * delivery goes with its history row, held until the database is back, and counts from the
     * session's end, so the credential's grace period starts as if nothing had happened.
     */
    @Test
    void aCredentialDeliveredWhileTheDatabaseIsUnreachableCountsAsDeliveredWhenItIsBack() throws Exception {
        EmbeddedDatabase database = EmbeddedDatabase.start(TestDataDirectories.create("provisioning-outage-").resolve("postgres"));
        try (database; TcpRelay relay = new TcpRelay(database.port()); TestServer server = behind(relay, database)) {
            String dm = Fixtures.server(server, "coaps://dm.delivery.example:5684", 152, 300, "U", "PSK", true);
            Fixtures.Device device = Fixtures.device(server, dm);
            TestServer.ApiResponse rotated = server.call("POST", "/api/v1/devices/" + device.endpoint() + "/credentials/rotate",
                    "{\"target\":\"server\",\"server\":\"" + dm + "\"}");
            assertThat(rotated.status()).as(rotated.toString()).isEqualTo(201);
            TestOutput.rememberSecret(rotated.json().get("key").asString());
            long pending = rotated.json().get("id").asLong();

            CountDownLatch writing = new CountDownLatch(1);
            CountDownLatch unreachable = new CountDownLatch(1);
            CountDownLatch finished = new CountDownLatch(1);
            Function<Request, Response> client = request -> switch (request.getCode()) {
                case GET -> {
                    Response r = new Response(ResponseCode.CONTENT);
                    r.getOptions().setContentFormat(40);
                    r.setPayload("</>;lwm2m=1.1,</0>;ver=1.1,</0/0>;uri=\"coaps://127.0.0.1:5684\",</1>;ver=1.1,</2>;ver=1.0,</3/0>");
                    yield r;
                }
                case PUT -> {
                    writing.countDown();
                    awaitQuietly(unreachable); // the first write waits until the database is out of reach
                    yield new Response(ResponseCode.CHANGED);
                }
                case DELETE -> new Response(ResponseCode.DELETED);
                case POST -> {
                    finished.countDown();
                    yield new Response(ResponseCode.CHANGED);
                }
                default -> new Response(ResponseCode.METHOD_NOT_ALLOWED);
            };
            Instant restored;
            try (RawCoapsDevice raw = RawCoapsDevice.psk(device.identity(), device.key(), client)) {
                assertThat(raw.bootstrapRequest(server.coaps(), true, "ep=" + device.endpoint()).getCode())
                        .isEqualTo(ResponseCode.CHANGED);
                assertThat(writing.await(10, TimeUnit.SECONDS)).as("the session reached its first write").isTrue();
                relay.cut();
                unreachable.countDown();
                assertThat(finished.await(10, TimeUnit.SECONDS)).as("the session sent Bootstrap-Finish").isTrue();
                // Longer than the pool's connection timeout (2 s): a write made now, as the delivery once was, fails.
                Thread.sleep(5_000);
                assertThat(credential(database, pending).deliveredAt()).as("nothing reached the database while it was cut off").isNull();
                restored = Instant.now();
                relay.restore();
            }
            server.bean(SessionHistoryWriter.class).flush();

            assertThat(sessions(server, device.endpoint()).get(0).get("outcome").asString()).isEqualTo("SUCCEEDED");
            Row row = credential(database, pending);
            assertThat(row.status()).isEqualTo("PENDING");
            assertThat(row.deliveredAt()).as("delivered, though the session ended with the database unreachable").isNotNull();
            assertThat(row.deliveredAt()).as("at the session's end, not when the database came back").isBefore(restored);
            assertThat(server.bean(MeterRegistry.class).counter("provisioning.bootstrap.history.dropped").count()).isZero();
        }
    }

    private record Row(String status, Instant deliveredAt) {
    }

    /** A credential's row, read straight from the database, past the relay. */
    private static Row credential(EmbeddedDatabase database, long id) throws java.sql.SQLException {
        try (Connection direct = DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + database.port() + "/"
                + EmbeddedDatabase.DATABASE, database.username(), database.password());
                PreparedStatement query = direct.prepareStatement("SELECT status, delivered_at FROM device_credentials WHERE id = ?")) {
            query.setLong(1, id);
            try (ResultSet row = query.executeQuery()) {
                assertThat(row.next()).as("credential " + id).isTrue();
                Timestamp delivered = row.getTimestamp(2);
                return new Row(row.getString(1), delivered == null ? null : delivered.toInstant());
            }
        }
    }

    /** A server whose database is reached through {@code relay}, with a short pool timeout, so an outage shows within seconds. */
    private static TestServer behind(TcpRelay relay, EmbeddedDatabase database) {
        return TestServer.start(TestServer.newDataDir(), Map.of(
                "spring.datasource.url", "jdbc:postgresql://127.0.0.1:" + relay.port() + "/" + EmbeddedDatabase.DATABASE,
                "spring.datasource.username", database.username(),
                "spring.datasource.password", database.password(),
                "spring.datasource.hikari.connection-timeout", "2000",
                "provisioning.bootstrap.max-failures-per-source", 20,
                "provisioning.bootstrap.failure-window", "60s"));
    }

    private static void awaitQuietly(CountDownLatch latch) {
        try {
            latch.await(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** An immediate shutdown (SIGQUIT to the postmaster): backends abort, no checkpoint, crash recovery at the next start. */
    private static void kill(Path cluster) throws Exception {
        long pid = Long.parseLong(Files.readAllLines(cluster.resolve("postmaster.pid")).get(0).trim());
        ProcessHandle.of(pid).orElseThrow();
        new ProcessBuilder("kill", "-QUIT", Long.toString(pid)).inheritIO().start().waitFor();
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("PostgreSQL " + pid + " did not stop");
            }
            Thread.sleep(50);
        }
    }

    private static JsonNode sessions(TestServer server, String endpoint) {
        return server.call("GET", "/api/v1/devices/" + endpoint + "/sessions?limit=500", null).json();
    }

    private static int total(Map<String, AtomicInteger> counts) {
        return counts.values().stream().mapToInt(AtomicInteger::get).sum();
    }
}
