package io.lwm2m.provisioning.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import org.junit.jupiter.api.Test;

/** The server's own PostgreSQL: kept across restarts, reachable only with its password. */
class EmbeddedDatabaseTest {

    @Test
    void keepsItsDataAcrossRestartsAndRefusesAWrongPassword() throws Exception {
        Path dir = Files.createTempDirectory("embedded-db-");
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
