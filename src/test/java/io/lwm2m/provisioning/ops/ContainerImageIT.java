package io.lwm2m.provisioning.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * What can be checked of the container image without a container engine: the repackaged jar,
 * extracted into its layers with the Dockerfile's command and laid out as the Dockerfile's COPY
 * steps do, starts with the Dockerfile's ENTRYPOINT from a read-only application directory, as a
 * non-root user that may write only its data dir and its temp dir, and becomes ready.
 *
 * <p>Runs in {@code integration-test} (failsafe), after {@code package} built the jar.
 */
class ContainerImageIT {

    private static final String EXTRACT = "-Djarmode=tools -jar app.jar extract --layers --launcher --destination extracted";
    private static final String LAUNCHER = "org.springframework.boot.loader.launch.JarLauncher";

    private Path work;
    private Process server;

    @AfterEach
    void cleanUp() throws Exception {
        if (server != null && server.isAlive()) {
            server.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
        }
        if (work != null) {
            run(List.of("chmod", "-R", "u+w", work.toString()), work);
            OpsServer.delete(work);
        }
    }

    @Test
    void theExtractedLayersStartReadOnlyAsNonRootAndBecomeReady() throws Exception {
        Path jar = Paths.get(System.getProperty("provisioning.jar", "../target/provisioning-server.jar")).toAbsolutePath().normalize();
        Path dockerfile = Paths.get(System.getProperty("provisioning.dockerfile", "../Dockerfile")).toAbsolutePath().normalize();
        assertThat(jar).as("built by package before integration-test").isRegularFile();
        String java = Paths.get(System.getProperty("java.home"), "bin", "java").toString();

        // The Dockerfile copies exactly the jar's layers, in the jar's order, and starts the launcher.
        List<String> layers = run(List.of(java, "-Djarmode=tools", "-jar", jar.toString(), "list-layers"), jar.getParent())
                .lines().map(String::trim).filter(l -> !l.isEmpty()).toList();
        assertThat(layers).contains("dependencies", "spring-boot-loader", "application");
        String image = Files.readString(dockerfile);
        assertThat(image).contains("java " + EXTRACT)
                .contains("ENTRYPOINT [\"java\", \"" + LAUNCHER + "\"]")
                .contains("USER 10001:10001").contains("PROVISIONING_DATA_DIR=/data").contains("-Djava.io.tmpdir=/tmp");
        List<String> copied = image.lines().filter(l -> l.startsWith("COPY --from=build /build/extracted/"))
                .map(l -> l.replaceAll("^COPY --from=build /build/extracted/([^/]+)/ \\./$", "$1")).toList();
        assertThat(copied).containsExactlyElementsOf(layers);

        // The build stage: extract with the same command.
        work = Files.createTempDirectory("provisioning-image-");
        Files.copy(jar, work.resolve("app.jar"));
        List<String> extract = new ArrayList<>(List.of(java));
        extract.addAll(List.of(EXTRACT.split(" ")));
        run(extract, work);

        // The runtime stage: the layers copied over each other into one directory, then made read-only.
        Path app = work.resolve("app");
        for (String layer : layers) {
            copyInto(work.resolve("extracted").resolve(layer), app);
        }
        run(List.of("chmod", "-R", "a-w", app.toString()), work);
        List<String> appFilesBefore = listing(app);

        // Writable: only the data dir and the temp dir (both volumes in Kubernetes).
        Path data = Files.createDirectory(work.resolve("data"));
        Path tmp = Files.createDirectory(work.resolve("tmp"));
        List<String> command = new ArrayList<>();
        boolean root = "root".equals(System.getProperty("user.name"));
        if (root && Files.isExecutable(Paths.get("/usr/bin/setpriv"))) {
            // PostgreSQL's initdb needs a user with a passwd entry: nobody (the image has its UID 10001 user).
            run(List.of("chmod", "755", work.toString()), work);
            run(List.of("chown", "-R", "nobody:nogroup", data.toString(), tmp.toString()), work);
            command.addAll(List.of("/usr/bin/setpriv", "--reuid=nobody", "--regid=nogroup", "--clear-groups", "--"));
        }
        int managementPort = freePort();
        command.addAll(List.of(java, LAUNCHER, // ENTRYPOINT, then the arguments passed through
                "--server.port=0", "--provisioning.coap.port=0", "--provisioning.coaps.port=0", "--provisioning.est.https.port=0",
                "--provisioning.coap.address=127.0.0.1"));
        ProcessBuilder builder = new ProcessBuilder(command).directory(app.toFile()).redirectErrorStream(true);
        Map<String, String> env = builder.environment();
        env.put("HOME", tmp.toString());
        env.put("PROVISIONING_DATA_DIR", data.toString());
        env.put("MANAGEMENT_SERVER_PORT", Integer.toString(managementPort)); // as the Helm chart sets it
        env.put("JAVA_TOOL_OPTIONS", "-XX:+ExitOnOutOfMemoryError -Djava.io.tmpdir=" + tmp);
        server = builder.start();
        StringBuffer output = new StringBuffer();
        Thread pump = new Thread(() -> {
            try (BufferedReader lines = new BufferedReader(new InputStreamReader(server.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = lines.readLine()) != null) {
                    System.out.println("[image] " + line);
                    output.append(line).append('\n');
                }
            } catch (IOException e) {
                // the process ended
            }
        }, "image-output");
        pump.setDaemon(true);
        pump.start();

        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (!output.toString().contains("Started ProvisioningServerApplication")) {
            if (!server.isAlive()) {
                fail("the server exited with " + server.exitValue() + ":\n" + output);
            }
            if (System.nanoTime() > until) {
                fail("not started within 120 s:\n" + output);
            }
            Thread.sleep(200);
        }

        OpsServer.Response readiness = OpsServer.get(managementPort, "/actuator/health/readiness");
        for (int attempt = 0; attempt < 50 && readiness.status() != 200; attempt++) {
            Thread.sleep(200);
            readiness = OpsServer.get(managementPort, "/actuator/health/readiness");
        }
        assertThat(readiness.status()).as(readiness.toString()).isEqualTo(200);
        assertThat(readiness.json().get("status").asString()).isEqualTo("UP");
        assertThat(OpsServer.get(managementPort, "/actuator/health/liveness").status()).isEqualTo(200);
        assertThat(OpsServer.get(managementPort, "/actuator/prometheus").body()).contains("provisioning_dtls_handshakes_total");

        assertThat(data.resolve("postgres")).isDirectory();
        assertThat(data.resolve("kek")).isRegularFile();
        assertThat(listing(app)).as("nothing written into the application directory").isEqualTo(appFilesBefore);

        // docker stop: SIGTERM, graceful shutdown, the embedded PostgreSQL stopped cleanly.
        // (Through the ProcessHandle: Process.destroy() would also close the output pipe.)
        assertThat(server.toHandle().destroy()).isTrue();
        assertThat(server.waitFor(60, TimeUnit.SECONDS)).as("stopped within 60 s after SIGTERM").isTrue();
        assertThat(server.exitValue()).as("the JVM's exit code after SIGTERM").isEqualTo(143);
        pump.join(5_000);
        assertThat(output.toString()).contains("Bootstrap server stopped");
        assertThat(data.resolve("postgres").resolve("postmaster.pid")).doesNotExist();
    }

    private static void copyInto(Path layer, Path target) throws IOException {
        Files.createDirectories(target);
        try (Stream<Path> files = Files.walk(layer)) {
            for (Path source : (Iterable<Path>) files::iterator) {
                Path destination = target.resolve(layer.relativize(source).toString());
                if (Files.isDirectory(source)) {
                    Files.createDirectories(destination);
                } else {
                    Files.copy(source, destination, StandardCopyOption.REPLACE_EXISTING);
                }
            }
        }
    }

    private static List<String> listing(Path dir) throws IOException {
        try (Stream<Path> files = Files.walk(dir)) {
            return files.map(p -> dir.relativize(p).toString()).sorted().toList();
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    /** Runs a command to its end (60 s at most); its output, which must come with exit code 0. */
    private static String run(List<String> command, Path directory) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(command).directory(directory.toFile()).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).as(String.join(" ", command)).isTrue();
        assertThat(process.exitValue()).as(String.join(" ", command) + ":\n" + output).isZero();
        return output;
    }
}
