package io.lwm2m.provisioning.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * {@code device smoke-test} on what a factory line gets from an import: the secrets file of 10,000
 * devices bootstraps whole; a file with altered keys, a disabled device and an unreadable row
 * reports each as a failure by reason, naming the devices, and exits 1.
 */
class SmokeTestEndToEndTest {

    private static final int ROWS = 10_000;

    private static TestServer server;
    private static String profile;

    @TempDir
    static Path dir;

    @BeforeAll
    static void start() {
        server = TestServer.shared();
        String dm = Fixtures.server(server, "coaps://dm.smoke.example:5684", 511, 300, "U", "PSK", true);
        profile = Imports.profile(server, dm);
    }

    private static String uri() {
        return "coaps://127.0.0.1:" + server.coaps().getPort();
    }

    /** Imports {@code rows} PSK devices with generated keys; the secrets file, saved. */
    private static Path importedSecrets(int rows, String name) throws Exception {
        String prefix = Fixtures.unique("urn:dev:smoke");
        StringBuilder csv = new StringBuilder("endpoint,profile,mode\n");
        for (int i = 0; i < rows; i++) {
            csv.append(prefix).append('-').append(i).append(',').append(profile).append(",psk\n");
        }
        TestServer.ApiResponse accepted = Imports.upload(server, "text/csv", csv.toString().getBytes(StandardCharsets.UTF_8), "");
        assertThat(accepted.status()).as(accepted.toString()).isEqualTo(202);
        String id = accepted.json().get("id").asString();
        JsonNode job = Imports.await(server, id, Duration.ofMinutes(2));
        assertThat(job.get("rows").get("created").asLong()).as(job.toString()).isEqualTo(rows);
        TestServer.ApiResponse secrets = server.upload("GET", "/api/v1/imports/" + id + "/secrets", null, null);
        assertThat(secrets.status()).isEqualTo(200);
        Imports.secrets(secrets).stream().limit(50).forEach(r -> TestOutput.rememberSecret(r[5]));
        Path file = dir.resolve(name);
        Files.writeString(file, secrets.body());
        return file;
    }

    @Test
    void theSecretsFileOfATenThousandRowImportBootstrapsWhole() throws Exception {
        Path secrets = importedSecrets(ROWS, "ten-thousand.csv");

        CliRun run = CliRun.run("device", "smoke-test", secrets.toString(), "--server", uri(), "--concurrency", "16");

        assertThat(run.exitCode()).as(run.toString()).isZero();
        assertThat(run.out()).contains("Smoke test of 10000 devices from " + secrets + " against " + uri()
                + " (LwM2M 1.1, pct=112 (SenML-CBOR), 16 at a time)")
                .containsPattern("10000 devices in [\\d.]+ s \\(\\d+/s\\): 10000 bootstrapped, 0 failed")
                .doesNotContain("Failures by reason");
        assertThat(run.err()).contains("bootstrapping [##############################] 100% 10000/10000");
        for (String secret : TestOutput.secrets()) {
            assertThat(run.all()).doesNotContain(secret);
        }
    }

    @Test
    void alteredKeysADisabledDeviceAndABrokenRowAreFailuresByReasonNamingTheDevices() throws Exception {
        Path secrets = importedSecrets(30, "thirty.csv");
        List<String> lines = new ArrayList<>(Files.readAllLines(secrets));
        // The file also holds each device's DM-server credential; the bootstrap credentials are the rows without a server.
        List<Integer> bootstrapRows = new ArrayList<>();
        for (int i = 1; i < lines.size(); i++) {
            if (lines.get(i).split(",", -1)[2].isEmpty()) {
                bootstrapRows.add(i);
            }
        }
        assertThat(bootstrapRows).hasSize(30);
        List<String> altered = new ArrayList<>();
        for (int n : new int[] {3, 9, 17}) {
            String[] fields = lines.get(bootstrapRows.get(n)).split(",", -1);
            fields[5] = (fields[5].charAt(0) == '0' ? "1" : "0") + fields[5].substring(1);
            lines.set(bootstrapRows.get(n), String.join(",", fields));
            altered.add(fields[1]);
        }
        String[] broken = lines.get(bootstrapRows.get(28)).split(",", -1);
        broken[5] = "not-hex";
        lines.set(bootstrapRows.get(28), String.join(",", broken));
        String[] disabled = lines.get(bootstrapRows.get(25)).split(",", -1);
        assertThat(server.call("POST", "/api/v1/devices/" + disabled[1] + "/disable", "{\"reason\":\"smoke test\"}").status())
                .isEqualTo(200);
        Path edited = dir.resolve("thirty-edited.csv");
        Files.write(edited, lines);

        CliRun run = CliRun.run("device", "smoke-test", edited.toString(), "--server", uri(), "--concurrency", "8",
                "--handshake-retransmissions", "1");

        assertThat(run.exitCode()).as(run.toString()).isEqualTo(1);
        assertThat(run.out()).containsPattern("30 devices in [\\d.]+ s \\(\\d+/s\\): 25 bootstrapped, 5 failed")
                .contains("Failures by reason:")
                .contains("      3  DTLS handshake: the server never answered the Finished (wrong key, or an identity it does not know)")
                .contains("      1  Bootstrap-Request refused: 4.00 Bad Request")
                .contains("      1  unreadable row in the secrets file")
                .contains(disabled[1] + " (import line " + disabled[0] + "): Bootstrap-Request answered 4.00")
                .contains(broken[1] + " (import line " + broken[0] + "): unreadable PSK credential (the PSK key must be an even"
                        + " number of hexadecimal digits)")
                .doesNotContain("not-hex");
        for (String endpoint : altered) {
            assertThat(run.out()).containsPattern(endpoint.replace(".", "\\.") + " \\(import line \\d+\\): DTLS handshake failed");
            assertThat(server.call("GET", "/api/v1/devices/" + endpoint + "/handshake-failures", null).body()).contains("WRONG_KEY");
        }
    }

    @Test
    void theLoadGeneratorKeepsTheFilesDevicesBootstrappingAndCountsTheWindow() throws Exception {
        Path secrets = importedSecrets(8, "eight.csv");

        CliRun run = CliRun.run("device", "load", secrets.toString(), "--server", uri(), "--concurrency", "2", "--warmup", "1s",
                "--duration", "3s");

        assertThat(run.exitCode()).as(run.toString()).isZero();
        assertThat(run.out()).contains("Load: 2 concurrent devices of 8, LwM2M 1.1, pct=112 (SenML-CBOR), warm-up 1 s, window 3 s")
                .containsPattern("sessions    : [1-9]\\d* completed in the window, 0 failed in the whole run")
                .containsPattern("throughput  : [\\d.]+ complete bootstraps/s")
                .containsPattern("latency \\(ms\\): p50 [\\d.]+  p90 [\\d.]+  p99 [\\d.]+  max [\\d.]+");
    }

    @Test
    void aPacedLoadStartsNoMoreSessionsThanItsRate() throws Exception {
        Path secrets = importedSecrets(8, "paced.csv");

        CliRun run = CliRun.run("device", "load", secrets.toString(), "--server", uri(), "--concurrency", "4", "--rate", "2",
                "--warmup", "1s", "--duration", "3s");

        // Unpaced, four devices finish dozens of sessions in 3 s on loopback; paced at 2/s the window holds at most 7 starts.
        assertThat(run.exitCode()).as(run.toString()).isZero();
        assertThat(run.out()).contains("Load: 4 concurrent devices of 8 paced at 2 starts/s");
        Matcher completed = Pattern.compile("sessions    : (\\d+) completed in the window, 0 failed").matcher(run.out());
        assertThat(completed.find()).as(run.out()).isTrue();
        assertThat(Integer.parseInt(completed.group(1))).isBetween(1, 8);
    }

    @Test
    void aNegativeRateIsAUsageError() throws Exception {
        CliRun run = CliRun.run("device", "load", importedSecrets(2, "negative.csv").toString(), "--server", uri(), "--rate", "-1");

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).contains("--rate wants a number of sessions per second, 0 or more, not -1.0");
    }
}
