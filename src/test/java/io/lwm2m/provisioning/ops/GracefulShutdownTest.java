package io.lwm2m.provisioning.ops;

import io.lwm2m.provisioning.e2e.RawCoapsDevice;
import static org.assertj.core.api.Assertions.assertThat;

import io.lwm2m.provisioning.app.EmbeddedDatabase;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.eclipse.californium.core.coap.CoAP.ResponseCode;
import org.eclipse.californium.core.coap.Request;
import org.eclipse.californium.core.coap.Response;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Stopping the server (SIGTERM in a container: the context closes) lets a running bootstrap session
 * finish and record its outcome, while new Bootstrap-Requests get 5.03 Service Unavailable.
 */
class GracefulShutdownTest {

    private Path dataDir;

    @AfterEach
    void cleanUp() {
        OpsServer.delete(dataDir);
    }

    @Test
    void aRunningSessionFinishesAndIsRecordedWhileNewRequestsGet503() throws Exception {
        dataDir = OpsServer.newDataDir();
        OpsServer server = OpsServer.start(dataDir);
        OpsDevices.Registered slow;
        OpsDevices.Registered late;
        Instant closeStarted;
        List<Instant> answered = new CopyOnWriteArrayList<>();
        List<ResponseCode> lateAnswers = new ArrayList<>();
        Duration closeTook;
        try {
            String dm = OpsDevices.dmServer(server);
            slow = OpsDevices.device(server, "PSK", dm);
            late = OpsDevices.device(server, "PSK", dm);
            InetSocketAddress coaps = server.coaps();

            // Answers every request of the server after a second: the session takes several seconds.
            Function<Request, Response> slowly = OpsDevices.answering(Duration.ofSeconds(1)).andThen(response -> {
                answered.add(Instant.now());
                return response;
            });
            try (RawCoapsDevice device = RawCoapsDevice.psk(slow.identity(), slow.key(), slowly);
                    RawCoapsDevice lateDevice = RawCoapsDevice.psk(late.identity(), late.key(),
                            OpsDevices.answering(Duration.ZERO))) {
                assertThat(device.bootstrapRequest(coaps, true, "ep=" + slow.endpoint()).getCode()).isEqualTo(ResponseCode.CHANGED);
                await(() -> server.runningSessions() == 1, Duration.ofSeconds(5));

                closeStarted = Instant.now();
                CompletableFuture<Void> closing = CompletableFuture.runAsync(server::close);
                await(() -> server.context().isClosed(), Duration.ofSeconds(5));

                // The endpoints stay open for the running session's answers, but take no new session.
                for (int attempt = 0; attempt < 10 && !lateAnswers.contains(ResponseCode.SERVICE_UNAVAILABLE)
                        && server.runningSessions() > 0; attempt++) {
                    Response answer = lateDevice.bootstrapRequest(coaps, true, "ep=" + late.endpoint());
                    lateAnswers.add(answer == null ? null : answer.getCode());
                    Thread.sleep(200);
                }
                closing.get(40, TimeUnit.SECONDS);
                closeTook = Duration.between(closeStarted, Instant.now());
            }
        } finally {
            server.close(); // no-op when already closed
        }

        assertThat(lateAnswers).as("a Bootstrap-Request during shutdown").contains(ResponseCode.SERVICE_UNAVAILABLE);
        assertThat(answered).as("the device kept being asked after the shutdown began")
                .anyMatch(at -> at.isAfter(closeStarted.plusMillis(500)));
        assertThat(closeTook).as("the shutdown waited for the session").isGreaterThan(Duration.ofSeconds(2))
                .isLessThan(Duration.ofSeconds(25));

        // What the server recorded, read straight from its PostgreSQL after it stopped.
        try (EmbeddedDatabase database = EmbeddedDatabase.start(dataDir.resolve("postgres"));
                Connection connection = database.connect()) {
            assertThat(sessions(connection, slow.endpoint())).containsExactly("SUCCEEDED");
            // The refused request started no session.
            assertThat(sessions(connection, late.endpoint())).doesNotContain("RUNNING");
        }
    }

    private static List<String> sessions(Connection connection, String endpoint) throws Exception {
        List<String> outcomes = new ArrayList<>();
        try (PreparedStatement query = connection.prepareStatement(
                "SELECT outcome FROM bootstrap_sessions WHERE endpoint = ? ORDER BY started_at")) {
            query.setString(1, endpoint);
            try (ResultSet rows = query.executeQuery()) {
                while (rows.next()) {
                    outcomes.add(rows.getString(1));
                }
            }
        }
        return outcomes;
    }

    private static void await(java.util.function.BooleanSupplier condition, Duration timeout) throws InterruptedException {
        long until = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > until) {
                throw new AssertionError("condition not met within " + timeout);
            }
            Thread.sleep(20);
        }
    }
}
