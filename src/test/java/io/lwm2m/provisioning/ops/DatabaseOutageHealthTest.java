package io.lwm2m.provisioning.ops;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * While PostgreSQL does not answer (its processes stopped with SIGSTOP: connections open at the
 * kernel's level and then hang, the worst case for a probe), the health endpoints still answer
 * within 3 s: readiness DOWN, liveness UP; once PostgreSQL runs again, readiness is UP again.
 * Issue 15, item 7.
 */
class DatabaseOutageHealthTest {

    private static final Duration BOUND = Duration.ofSeconds(3);

    @Test
    void probesAnswerWithinThreeSecondsWhilePostgresIsDown() throws Exception {
        Path dataDir = OpsServer.newDataDir();
        try (OpsServer server = OpsServer.start(dataDir)) {
            assertThat(server.management("/actuator/health/readiness").status()).isEqualTo(200);
            List<ProcessHandle> postgres = postgresOf(dataDir);
            assertThat(postgres).as("the embedded PostgreSQL's processes").isNotEmpty();
            signal("STOP", postgres);
            try {
                for (int i = 0; i < 3; i++) {
                    OpsServer.Response readiness = timed(server, "/actuator/health/readiness");
                    assertThat(readiness.status()).as(readiness.toString()).isEqualTo(503);
                    assertThat(readiness.json().get("components").get("db").get("status").asString()).isEqualTo("DOWN");
                    OpsServer.Response health = timed(server, "/actuator/health");
                    assertThat(health.status()).as(health.toString()).isEqualTo(503);
                    OpsServer.Response liveness = timed(server, "/actuator/health/liveness");
                    assertThat(liveness.status()).as(liveness.toString()).isEqualTo(200);
                    assertThat(liveness.json().get("status").asString()).isEqualTo("UP");
                }
            } finally {
                signal("CONT", postgres);
            }
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            OpsServer.Response readiness;
            do {
                Thread.sleep(500);
                readiness = timed(server, "/actuator/health/readiness");
            } while (readiness.status() != 200 && System.nanoTime() < deadline);
            assertThat(readiness.status()).as("readiness once PostgreSQL runs again: " + readiness).isEqualTo(200);
        } finally {
            OpsServer.delete(dataDir);
        }
    }

    private static OpsServer.Response timed(OpsServer server, String path) {
        long started = System.nanoTime();
        OpsServer.Response response = server.management(path);
        Duration took = Duration.ofNanos(System.nanoTime() - started);
        assertThat(took).as(path + " answered in " + took.toMillis() + " ms").isLessThan(BOUND);
        return response;
    }

    /** The postmaster of the cluster in {@code dataDir} and its children. */
    private static List<ProcessHandle> postgresOf(Path dataDir) {
        String marker = dataDir.toString();
        return ProcessHandle.allProcesses()
                .filter(p -> p.info().commandLine().map(cmd -> cmd.contains("postgres") && cmd.contains(marker)).orElse(false))
                .flatMap(p -> java.util.stream.Stream.concat(java.util.stream.Stream.of(p), p.descendants()))
                .distinct().toList();
    }

    private static void signal(String signal, List<ProcessHandle> processes) throws IOException, InterruptedException {
        for (ProcessHandle p : processes) {
            Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(p.pid())).inheritIO().start();
            assertThat(kill.waitFor(10, TimeUnit.SECONDS)).isTrue();
        }
    }
}
