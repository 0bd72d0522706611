package io.lwm2m.provisioning.ops;

import static org.assertj.core.api.Assertions.assertThat;

import io.lwm2m.provisioning.ProvisioningServerApplication;
import io.lwm2m.provisioning.app.EmbeddedDatabase;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * {@code --provisioning.migrate-only=true}, as the Helm chart's migration Job runs it: the Flyway
 * migrations run, nothing else of the server starts, and the process exits 0 (non-zero when the
 * migrations cannot run).
 */
class MigrateOnlyTest {

    private Path dataDir;

    @AfterEach
    void cleanUp() {
        OpsServer.delete(dataDir);
    }

    @Test
    void migratesTheSchemaAndExitsZeroWithoutStartingTheServer() throws Exception {
        dataDir = OpsServer.newDataDir();
        Child child = run("--provisioning.migrate-only=true", "--spring.main.web-application-type=none",
                "--provisioning.data-dir=" + dataDir);

        assertThat(child.exitCode).as(child.output).isZero();
        assertThat(child.output).contains("the database schema is migrated; exiting")
                .doesNotContain("Started ProvisioningServerApplication")
                .doesNotContain("Bootstrap server listening");
        // No server state was created: no initial admin key, no CA.
        assertThat(dataDir.resolve("initial-admin-key")).doesNotExist();

        try (EmbeddedDatabase database = EmbeddedDatabase.start(dataDir.resolve("postgres"));
                Connection connection = database.connect(); Statement statement = connection.createStatement()) {
            List<String> versions = new ArrayList<>();
            try (ResultSet rows = statement.executeQuery(
                    "SELECT version FROM flyway_schema_history WHERE success AND version IS NOT NULL ORDER BY installed_rank")) {
                while (rows.next()) {
                    versions.add(rows.getString(1));
                }
            }
            assertThat(versions).startsWith("1", "2", "3", "4");
            try (ResultSet rows = statement.executeQuery("SELECT count(*) FROM ca_authorities")) {
                rows.next();
                assertThat(rows.getLong(1)).as("no CA created by a migration run").isZero();
            }
            try (ResultSet rows = statement.executeQuery("SELECT count(*) FROM bootstrap_sessions")) {
                rows.next();
                assertThat(rows.getLong(1)).isZero();
            }
        }
    }

    @Test
    void exitsNonZeroWhenTheDatabaseCannotBeReached() throws Exception {
        dataDir = OpsServer.newDataDir();
        Child child = run("--provisioning.migrate-only=true", "--spring.main.web-application-type=none",
                "--provisioning.data-dir=" + dataDir,
                "--spring.datasource.url=jdbc:postgresql://127.0.0.1:1/nothing-listens-here",
                "--spring.datasource.username=nobody", "--spring.datasource.password=nothing",
                "--spring.datasource.hikari.connection-timeout=2000");

        assertThat(child.exitCode).as(child.output).isNotZero();
        assertThat(child.output).doesNotContain("the database schema is migrated");
    }

    /** The server's main class in a child JVM on this test's classpath. */
    private static Child run(String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(Paths.get(System.getProperty("java.home"), "bin", "java").toString());
        command.add("-Xmx512m");
        command.add("-Djava.io.tmpdir=" + System.getProperty("java.io.tmpdir"));
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(ProvisioningServerApplication.class.getName());
        command.addAll(List.of(args));
        Path log = Files.createTempFile("migrate-only-", ".log");
        try {
            Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
            if (!process.waitFor(120, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new AssertionError("still running after 120 s: " + Files.readString(log, StandardCharsets.UTF_8));
            }
            String output = Files.readString(log, StandardCharsets.UTF_8);
            System.out.println(output);
            return new Child(process.exitValue(), output);
        } finally {
            Files.deleteIfExists(log);
        }
    }

    private record Child(int exitCode, String output) {
    }
}
