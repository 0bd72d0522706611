package io.lwm2m.provisioning.ops;

import static org.assertj.core.api.Assertions.assertThat;

import io.lwm2m.provisioning.testing.RequiresTool;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The README's quick start, as written: its shell block (between the {@code quick-start} markers) runs
 * in bash against the built jar, started with {@code serve} on ephemeral ports, in a fresh directory
 * where {@code target/provisioning-server.jar} is the jar. Only the variables the block already reads
 * ({@code PROVISIONING_DATA_DIR}, {@code PROVISIONING_API_URL}, {@code PROVISIONING_BOOTSTRAP_URI})
 * are set, to the ports the server got. Runs in {@code integration-test} (failsafe), after {@code package}.
 */
@RequiresTool(value = {"bash", "curl"}, debianPackage = "curl")
class QuickStartIT {

    private static final Pattern BLOCK = Pattern.compile("<!-- quick-start:begin[^>]*-->\\s*```sh\\n(.*?)```\\s*<!-- quick-start:end -->",
            Pattern.DOTALL);
    private static final Pattern COAPS = Pattern.compile("Bootstrap server listening on coap://\\S+ and coaps://\\S*?:(\\d+)");

    private Path jar;
    private Path work;

    @BeforeEach
    void locateJar() throws Exception {
        jar = Paths.get(System.getProperty("provisioning.jar", "../target/provisioning-server.jar")).toAbsolutePath().normalize();
        assertThat(jar).as("built by package before integration-test").isRegularFile();
        work = Files.createTempDirectory("quick-start-");
    }

    @AfterEach
    void cleanUp() {
        OpsServer.delete(work);
    }

    @Test
    void theReadmesQuickStartBootstrapsADeviceAndShowsItsSession() throws Exception {
        String block = quickStartBlock();
        assertThat(block).contains("java -jar target/provisioning-server.jar device bootstrap");
        Files.createDirectories(work.resolve("target"));
        Files.createSymbolicLink(work.resolve("target/provisioning-server.jar"), jar);
        Path dataDir = work.resolve("server-data");

        try (JarProcess server = JarProcess.serve(jar, work, List.of("--provisioning.data-dir=" + dataDir),
                line -> System.out.println("[quick-start server] " + line))) {
            server.awaitReady(Duration.ofMinutes(3));
            int coaps = coapsPort(server);
            ProcessBuilder bash = new ProcessBuilder("bash", "-c", "set -euo pipefail\n" + block).directory(work.toFile())
                    .redirectErrorStream(true);
            bash.environment().put("PROVISIONING_DATA_DIR", dataDir.toString());
            bash.environment().put("PROVISIONING_API_URL", "http://127.0.0.1:" + server.apiPort());
            bash.environment().put("PROVISIONING_BOOTSTRAP_URI", "coaps://127.0.0.1:" + coaps);
            bash.environment().remove("PROVISIONING_API_KEY");
            Process process = bash.start();
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(process.waitFor(3, TimeUnit.MINUTES)).isTrue();
            System.out.println("[quick-start] " + output.replace("\n", "\n[quick-start] "));

            assertThat(process.exitValue()).as(output).isZero();
            assertThat(output).contains("\"name\":\"dm-1\"")
                    .contains("Bootstrapping urn:dev:ops:my-first-device at coaps://127.0.0.1:" + coaps)
                    .contains("Bootstrap finished in")
                    .containsPattern("Security /0/1\\n\\s+0  LwM2M Server URI\\s+coaps://dm.example.com:5684")
                    .containsPattern("10  Short Server ID\\s+101")
                    .containsPattern("Server /1/0\\n\\s+0  Short Server ID\\s+101\\n\\s+1  Lifetime\\s+300")
                    .containsPattern("\\S+Z  SUCCEEDED +\\d+ ms  PSK   LwM2M 1.1  SenML-CBOR")
                    .containsPattern("Bootstrap-Finish\\s+/bs\\s+2.04")
                    .doesNotContain("Spring Boot").doesNotContain("HikariPool");
            JsonNode device = JsonMapper.builder().build().readTree(Files.readString(work.resolve("device.json")));
            assertThat(output).doesNotContain(device.get("bootstrapCredential").get("key").asString())
                    .doesNotContain(device.get("serverCredentials").get(0).get("key").asString());
        }
    }

    private String quickStartBlock() throws IOException {
        String readme = Files.readString(jar.getParent().getParent().resolve("README.md"));
        Matcher m = BLOCK.matcher(readme);
        assertThat(m.find()).as("the README's quick-start block between its markers").isTrue();
        return m.group(1);
    }

    private static int coapsPort(JarProcess server) {
        for (String line : server.lines()) {
            Matcher m = COAPS.matcher(line);
            if (m.find()) {
                return Integer.parseInt(m.group(1));
            }
        }
        throw new AssertionError("no 'Bootstrap server listening on' line in the server's output");
    }
}
