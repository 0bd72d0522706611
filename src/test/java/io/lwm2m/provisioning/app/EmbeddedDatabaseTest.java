package io.lwm2m.provisioning.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lwm2m.provisioning.testing.TestDataDirectories;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The server's own PostgreSQL: kept across restarts, reachable only with its password, quiet about its settings. */
class EmbeddedDatabaseTest {

    @Test
    void aConfigurationReloadFindsTheSettingsTheServerRunsWith() throws Exception {
        Path dir = TestDataDirectories.create("embedded-db-");
        Path cluster = dir.resolve("postgres");
        // The first start reloads the configuration itself (for pg_hba.conf); a restart and a reload again.
        try (EmbeddedDatabase first = EmbeddedDatabase.start(cluster)) {
            assertThat(configurationErrors(first)).isEmpty();
        }
        try (EmbeddedDatabase second = EmbeddedDatabase.start(cluster); Connection c = second.connect();
                Statement s = c.createStatement()) {
            s.execute("SELECT pg_reload_conf()");
            Thread.sleep(500); // the postmaster reloads asynchronously
            assertThat(configurationErrors(second)).isEmpty();
            try (ResultSet rs = s.executeQuery("SELECT current_setting('shared_buffers'), current_setting('synchronous_commit')")) {
                assertThat(rs.next()).isTrue();
                assertThat(rs.getString(1)).isEqualTo("256MB");
                assertThat(rs.getString(2)).isEqualTo("on");
            }
        }
        String postgresLog = Files.readString(dir.resolve("postgres.log"));
        assertThat(postgresLog).as("PostgreSQL's own log").contains("database system is ready to accept connections")
                .contains("received SIGHUP").doesNotContain("contains errors").doesNotContain("cannot be changed");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("postgres.log"))))
                .isEqualTo("rw-------");
    }

    /** What PostgreSQL found wrong in its configuration files, or a setting waiting for a restart. */
    private static List<String> configurationErrors(EmbeddedDatabase database) throws Exception {
        List<String> errors = new ArrayList<>();
        try (Connection c = database.connect(); Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT sourcefile || ':' || sourceline || ' ' || name || ': ' || error"
                        + " FROM pg_file_settings WHERE error IS NOT NULL"
                        + " UNION ALL SELECT name || ' waits for a restart' FROM pg_settings WHERE pending_restart")) {
            while (rs.next()) {
                errors.add(rs.getString(1));
            }
        }
        return errors;
    }

    @Test
    void keepsItsDataAcrossRestartsAndRefusesAWrongPassword() throws Exception {
        Path dir = TestDataDirectories.create("embedded-db-");
        Path cluster = dir.resolve("postgres");
        try (EmbeddedDatabase first = EmbeddedDatabase.start(cluster);
                Connection c = first.connect(); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE survivors (name text)");
            s.execute("INSERT INTO survivors VALUES ('kept')");
            assertThatThrownBy(() -> DriverManager.getConnection(first.jdbcUrl(), "postgres", "wrong"))
                    .isInstanceOf(SQLException.class);
            assertThatThrownBy(() -> DriverManager.getConnection(first.jdbcUrl(), "postgres", ""))
                    .isInstanceOf(SQLException.class);
        }
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("postgres.password"))))
                .isEqualTo("rw-------");
        try (EmbeddedDatabase second = EmbeddedDatabase.start(cluster);
                Connection c = second.connect(); Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT name FROM survivors")) {
            assertThat(rs.next()).isTrue();
            assertThat(rs.getString(1)).isEqualTo("kept");
        }
    }
}
