package io.lwm2m.provisioning.ops;

import static org.assertj.core.api.Assertions.assertThat;

import io.lwm2m.provisioning.app.EmbeddedDatabase;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The built jar started as a new user starts it ({@code java -jar}, its own process): a quiet first start,
 * a refused start from the wrong directory, and SIGTERM letting a request in flight finish before the
 * embedded PostgreSQL stops. Runs in {@code integration-test} (failsafe), after {@code package}.
 */
class FirstStartIT {

    private static final Duration START = Duration.ofMinutes(2);
    private static final Pattern WARN_OR_ERROR = Pattern.compile("^\\S+\\s+(WARN|ERROR) \\[");

    private Path jar;
    private Path work;

    @BeforeEach
    void locateJar() throws Exception {
        jar = Paths.get(System.getProperty("provisioning.jar", "../target/provisioning-server.jar")).toAbsolutePath().normalize();
        assertThat(jar).as("built by package before integration-test").isRegularFile();
        work = Files.createTempDirectory("first-start-");
    }

    @AfterEach
    void cleanUp() {
        OpsServer.delete(work);
    }

    @Test
    void aFirstStartWarnsOnlyAboutLocalhostAndAStartWithThePublicNamesSetWarnsAboutNothing() throws Exception {
        Path dataDir = work.resolve("data");
        List<String> first = run(List.of("--provisioning.data-dir=" + dataDir));
        assertThat(first).anyMatch(l -> l.contains("Data directory: " + dataDir + " (new: created by this start)"));
        assertThat(first.stream().filter(l -> WARN_OR_ERROR.matcher(l).find()).toList()).as("WARN and ERROR lines")
                .hasSize(2).allMatch(l -> l.contains("ACTION NEEDED"))
                .anyMatch(l -> l.contains("provisioning.ca.public-base-url is http://localhost:8080"))
                .anyMatch(l -> l.contains("provisioning.bootstrap.hostname is localhost"));
        assertThat(String.join("\n", first)).doesNotContain("contains errors").doesNotContain("SpringDoc")
                .doesNotContain("initdb").doesNotContain("Exception");
        assertThat(Files.readString(dataDir.resolve("postgres.log"))).contains("ready to accept connections")
                .doesNotContain("contains errors");

        List<String> warm = run(List.of("--provisioning.data-dir=" + dataDir,
                "--provisioning.ca.public-base-url=https://bs.example.com", "--provisioning.bootstrap.hostname=bs.example.com"));
        assertThat(warm).anyMatch(l -> l.endsWith("Data directory: " + dataDir));
        assertThat(warm.stream().filter(l -> WARN_OR_ERROR.matcher(l).find()).toList()).as("WARN and ERROR lines").isEmpty();
    }

    @Test
    void aNewInstallationInTheDefaultDataDirIsRefusedWhileOneExistsNextToTheJar() throws Exception {
        Path app = Files.createDirectories(work.resolve("app"));
        Path copy = Files.copy(jar, app.resolve("provisioning-server.jar"));
        Files.createDirectories(app.resolve("data"));
        Files.writeString(app.resolve("data/kek"), "an installation lives here\n");
        Path elsewhere = Files.createDirectories(work.resolve("elsewhere"));

        try (JarProcess server = JarProcess.start(copy, elsewhere, List.of(), line -> System.out.println("[refused] " + line))) {
            assertThat(server.awaitExit(START)).as("exit code").isEqualTo(1);
            String output = String.join("\n", server.lines());
            assertThat(output).contains("The data directory " + elsewhere.resolve("data") + " (the default ./data, relative to"
                    + " the working directory) holds no installation, but " + app.resolve("data") + " next to the jar does")
                    .contains("set provisioning.data-dir=" + app.resolve("data")).doesNotContain("\tat ");
        }
        assertThat(elsewhere.resolve("data")).as("nothing created").doesNotExist();
    }

    @Test
    void aRequestInFlightAtSigtermCompletesBeforeTheEmbeddedDatabaseStops() throws Exception {
        Path dataDir = work.resolve("data");
        byte[] body = ("{\"name\":\"dm-sigterm\",\"uri\":\"coaps://dm.example:5684\",\"shortServerId\":101,\"lifetime\":300,"
                + "\"binding\":\"U\",\"securityMode\":\"PSK\"}").getBytes(StandardCharsets.UTF_8);
        String response;
        int exit;
        try (JarProcess server = JarProcess.start(jar, work, List.of("--provisioning.data-dir=" + dataDir),
                line -> System.out.println("[sigterm] " + line))) {
            server.awaitReady(START);
            String key = Files.readString(dataDir.resolve("initial-admin-key")).trim();
            try (Socket api = new Socket(InetAddress.getLoopbackAddress(), server.apiPort())) {
                api.setSoTimeout(60_000);
                OutputStream out = api.getOutputStream();
                out.write(("POST /api/v1/servers HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " + key
                        + "\r\nContent-Type: application/json\r\nContent-Length: " + body.length + "\r\nConnection: close\r\n\r\n")
                        .getBytes(StandardCharsets.US_ASCII));
                out.write(body, 0, body.length / 2);
                out.flush();
                Thread.sleep(1_000); // the request is being read by a Tomcat thread

                ProcessHandle.of(server.pid()).orElseThrow().destroy(); // SIGTERM
                Thread.sleep(3_000); // Tomcat waits for the request; the database must still be there after it
                out.write(body, body.length / 2, body.length - body.length / 2);
                out.flush();
                try (InputStream in = api.getInputStream()) {
                    response = new String(in.readAllBytes(), StandardCharsets.UTF_8);
                }
            }
            exit = server.awaitExit(Duration.ofSeconds(60));
        }
        assertThat(response).as("the answer to the request in flight").startsWith("HTTP/1.1 201");
        assertThat(exit).as("exit code after SIGTERM").isEqualTo(143);
        try (EmbeddedDatabase database = EmbeddedDatabase.start(dataDir.resolve("postgres"));
                Connection connection = database.connect();
                PreparedStatement query = connection.prepareStatement("SELECT count(*) FROM dm_servers WHERE name = 'dm-sigterm'");
                ResultSet rows = query.executeQuery()) {
            assertThat(rows.next()).isTrue();
            assertThat(rows.getInt(1)).as("the server it created, read after the stop").isEqualTo(1);
        }
    }

    private List<String> run(List<String> arguments) throws Exception {
        try (JarProcess server = JarProcess.start(jar, work, arguments, line -> System.out.println("[first-start] " + line))) {
            server.awaitReady(START);
            assertThat(server.stop(Duration.ofSeconds(60))).as("exit code after SIGTERM").isEqualTo(143);
            return server.lines();
        }
    }
}
