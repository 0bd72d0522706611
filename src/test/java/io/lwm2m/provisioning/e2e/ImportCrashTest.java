package io.lwm2m.provisioning.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.JdbcTemplate;
import tools.jackson.databind.JsonNode;

/**
 * The server is killed (SIGKILL, its PostgreSQL too, as in a power cut) in the middle of an import
 * and started again on the same data dir: the job resumes where its last batch committed, every row
 * ends up created exactly once, and no device is left half-written.
 */
class ImportCrashTest {

    private static final int ROWS = 60_000;
    private static final Pattern TOMCAT = Pattern.compile("Tomcat started on ports? (\\d+) \\(http\\)");

    @Test
    void anImportKilledMidwayResumesAfterARestartAndCreatesEveryRowOnce() throws Exception {
        Path dataDir = TestServer.newDataDir();
        Path log = dataDir.resolve("server-child.log");
        Process child = startChild(dataDir, log);
        String id;
        String tag = "crash=" + dataDir.getFileName();
        try {
            int port = awaitPort(child, log, dataDir);
            String key = Files.readString(dataDir.resolve("initial-admin-key")).trim();
            HttpClient http = HttpClient.newHttpClient();
            call(http, port, key, "POST", "/api/v1/servers", "application/json", """
                    {"name":"dm-crash","uri":"coaps://dm.example:5684","shortServerId":7,"lifetime":300,"binding":"U","securityMode":"PSK"}""");
            call(http, port, key, "POST", "/api/v1/profiles", "application/json", """
                    {"name":"crash","definition":{"servers":[{"server":"dm-crash"}]}}""");
            StringBuilder csv = new StringBuilder("endpoint,profile,mode,labels\n");
            for (int i = 0; i < ROWS; i++) {
                csv.append("urn:dev:crash:").append(i).append(",crash,psk,").append(tag).append('\n');
            }
            HttpResponse<String> accepted = call(http, port, key, "POST", "/api/v1/imports", "text/csv", csv.toString());
            assertThat(accepted.statusCode()).as(accepted.body()).isEqualTo(202);
            id = TestServer.JSON.readTree(accepted.body()).get("id").asString();
            Instant deadline = Instant.now().plusSeconds(120);
            long done;
            do {
                Thread.sleep(100);
                JsonNode job = TestServer.JSON.readTree(call(http, port, key, "GET", "/api/v1/imports/" + id, null, null).body());
                done = job.get("rows").get("total").asLong();
                assertThat(job.get("state").asString()).as("the import must still run when the server is killed").isNotEqualTo("SUCCEEDED");
                assertThat(Instant.now()).isBefore(deadline);
            } while (done < 5_000);
        } finally {
            kill(child, dataDir);
            // The child's output joins this JVM's, so SecretsNeverLoggedTest scans it too.
            System.out.println(Files.readString(log, StandardCharsets.UTF_8));
        }

        try (TestServer server = TestServer.start(dataDir, Map.of("provisioning.imports.lease", "2s",
                "provisioning.imports.poll-interval", "1s"))) {
            JsonNode job = Imports.await(server, id, Duration.ofSeconds(120));
            assertThat(job.get("state").asString()).as(job.toString()).isEqualTo("SUCCEEDED");
            assertThat(job.get("rows").get("total").asLong()).isEqualTo(ROWS);
            assertThat(job.get("rows").get("created").asLong()).as(job.toString()).isEqualTo(ROWS);

            JdbcTemplate db = server.bean(JdbcTemplate.class);
            assertThat(db.queryForObject("SELECT count(*) FROM devices WHERE ? = ANY (labels)", Long.class, tag)).isEqualTo(ROWS);
            assertThat(db.queryForObject("""
                    SELECT count(*) FROM devices d WHERE ? = ANY (d.labels)
                      AND ((SELECT count(*) FROM device_credentials c WHERE c.device_id = d.id) <> 2
                           OR (SELECT count(*) FROM device_servers s WHERE s.device_id = d.id) <> 1)""", Long.class, tag))
                    .as("devices without their credentials or DM server").isZero();
            Map<Long, JsonNode> rows = Imports.rows(server, id, null);
            assertThat(rows).hasSize(ROWS);
            assertThat(rows.values().stream().map(r -> r.get("outcome").asString()).distinct()).containsExactly("created");
            List<String[]> secrets = Imports.secrets(server.upload("GET", "/api/v1/imports/" + id + "/secrets", null, null));
            secrets.stream().limit(20).forEach(r -> TestOutput.rememberSecret(r[5]));
            assertThat(secrets).hasSize(2 * ROWS);
            Set<String> endpoints = new HashSet<>();
            secrets.forEach(r -> endpoints.add(r[1]));
            assertThat(endpoints).hasSize(ROWS);
        }
    }

    static Process startChild(Path dataDir, Path log) throws IOException {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx384m", "-cp", System.getProperty("java.class.path"), "io.lwm2m.provisioning.ProvisioningServerApplication",
                "--provisioning.data-dir=" + dataDir, "--server.port=0", "--server.address=127.0.0.1",
                "--management.server.port=0", "--provisioning.coap.address=127.0.0.1", "--provisioning.coap.port=0",
                "--provisioning.coaps.port=0", "--provisioning.est.https.address=127.0.0.1", "--provisioning.est.https.port=0",
                "--provisioning.imports.lease=2s", "--provisioning.imports.batch-size=500"));
        return new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    }

    static int awaitPort(Process child, Path log, Path dataDir) throws Exception {
        Instant deadline = Instant.now().plusSeconds(180);
        while (Instant.now().isBefore(deadline)) {
            assertThat(child.isAlive()).as("the server exited: " + Files.readString(log)).isTrue();
            Matcher m = TOMCAT.matcher(Files.readString(log, StandardCharsets.UTF_8));
            Path key = dataDir.resolve("initial-admin-key");
            if (m.find() && Files.exists(key) && !Files.readString(key).isBlank()) {
                return Integer.parseInt(m.group(1));
            }
            Thread.sleep(200);
        }
        throw new AssertionError("the server did not start within 180 s");
    }

    private static HttpResponse<String> call(HttpClient http, int port, String key, String method, String path, String type,
            String body) throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(60)).header("Authorization", "Bearer " + key)
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (type != null) {
            request.header("Content-Type", type);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** SIGKILL to the JVM and to its PostgreSQL (found by the data dir on its command line): nothing gets to clean up. */
    static void kill(Process child, Path dataDir) throws Exception {
        child.destroyForcibly();
        child.waitFor(30, TimeUnit.SECONDS);
        String marker = dataDir.toString();
        List<ProcessHandle> postgres = ProcessHandle.allProcesses()
                .filter(p -> p.info().commandLine().map(cmd -> cmd.contains("postgres") && cmd.contains(marker)).orElse(false))
                .toList();
        List<ProcessHandle> all = new ArrayList<>();
        for (ProcessHandle p : postgres) {
            all.add(p);
            p.descendants().forEach(all::add);
        }
        all.forEach(ProcessHandle::destroyForcibly);
        for (ProcessHandle p : all) {
            p.onExit().get(30, TimeUnit.SECONDS);
        }
    }
}
