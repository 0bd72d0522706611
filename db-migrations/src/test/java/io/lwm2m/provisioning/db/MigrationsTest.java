package io.lwm2m.provisioning.db;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.output.MigrateResult;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The migrations applied by Flyway to a real PostgreSQL. */
class MigrationsTest {

    private static EmbeddedPostgres db;

    @BeforeAll
    static void migrate() throws Exception {
        db = EmbeddedPostgres.builder().start();
        MigrateResult result = flyway(db).migrate();
        assertThat(result.success).isTrue();
        assertThat(result.migrationsExecuted).isGreaterThanOrEqualTo(1);
    }

    @AfterAll
    static void stop() throws Exception {
        db.close();
    }

    private static Flyway flyway(EmbeddedPostgres database) {
        return Flyway.configure()
                .dataSource(database.getPostgresDatabase())
                .locations("classpath:db/migration")
                .load();
    }

    @Test
    void createsEveryTableTheModulesOwn() throws SQLException {
        List<String> tables = new ArrayList<>();
        try (Connection c = db.getPostgresDatabase().getConnection(); Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT table_name FROM information_schema.tables WHERE table_schema = 'public'")) {
            while (rs.next()) {
                tables.add(rs.getString(1));
            }
        }
        assertThat(tables).contains("dm_servers", "devices", "device_servers", "device_credentials",
                "bootstrap_sessions", "audit_events", "api_keys");
    }

    @Test
    void v10CarriesEachSessionsStepsIntoItsRowInOrder() throws Exception {
        try (EmbeddedPostgres old = EmbeddedPostgres.builder().start()) {
            Flyway.configure().dataSource(old.getPostgresDatabase()).locations("classpath:db/migration").target("7").load()
                    .migrate();
            try (Connection c = old.getPostgresDatabase().getConnection(); Statement s = c.createStatement()) {
                s.execute("INSERT INTO bootstrap_sessions (id, endpoint, peer_address, security_mode, started_at, outcome)"
                        + " VALUES ('00000000-0000-0000-0000-000000000001', 'urn:dev:1', '192.0.2.1:5684', 'PSK', now(), 'SUCCEEDED'),"
                        + " ('00000000-0000-0000-0000-000000000002', 'urn:dev:2', '192.0.2.2:5684', 'PSK', now(), 'FAILED')");
                s.execute("INSERT INTO bootstrap_session_steps (session_id, seq, operation, path, response_code, detail, sent_at, duration_ms)"
                        + " VALUES ('00000000-0000-0000-0000-000000000001', 1, 'Bootstrap-Finish', '/bs', '2.04', NULL, now(), 3),"
                        + " ('00000000-0000-0000-0000-000000000001', 0, 'Bootstrap-Discover', '/', '2.05', 'x', now(), 7)");
            }
            assertThat(flyway(old).migrate().success).isTrue();
            try (Connection c = old.getPostgresDatabase().getConnection(); Statement s = c.createStatement();
                    ResultSet rs = s.executeQuery("SELECT endpoint, jsonb_array_length(steps::jsonb),"
                            + " steps::jsonb -> 0 ->> 'operation', steps::jsonb -> 0 ->> 'detail', steps::jsonb -> 1 ->> 'durationMs'"
                            + " FROM bootstrap_sessions ORDER BY endpoint")) {
                assertThat(rs.next()).isTrue();
                assertThat(rs.getInt(2)).isEqualTo(2);
                assertThat(rs.getString(3)).isEqualTo("Bootstrap-Discover");
                assertThat(rs.getString(4)).isEqualTo("x");
                assertThat(rs.getString(5)).isEqualTo("3");
                assertThat(rs.next()).isTrue();
                assertThat(rs.getInt(2)).as("a session without steps").isZero();
            }
        }
    }

    @Test
    void migratingAgainIsANoOp() {
        assertThat(flyway(db).migrate().migrationsExecuted).isZero();
        assertThat(flyway(db).validateWithResult().validationSuccessful).isTrue();
    }

    @Test
    void auditEventsCannotBeUpdatedOrDeleted() throws SQLException {
        try (Connection c = db.getPostgresDatabase().getConnection(); Statement s = c.createStatement()) {
            s.execute("INSERT INTO audit_events (occurred_at, actor, action, outcome, hash) "
                    + "VALUES (now(), 'test', 'test.action', 'SUCCESS', '\\x00')");
            assertThatThrownBy(() -> s.execute("UPDATE audit_events SET actor = 'someone else'"))
                    .hasMessageContaining("append-only");
            assertThatThrownBy(() -> s.execute("DELETE FROM audit_events"))
                    .hasMessageContaining("append-only");
        }
    }

    @Test
    void aLiveBootstrapPskIdentityBelongsToOneCredentialOnly() throws SQLException {
        try (Connection c = db.getPostgresDatabase().getConnection(); Statement s = c.createStatement()) {
            s.execute("INSERT INTO devices (endpoint, created_at, updated_at) VALUES ('ep-a', now(), now()), ('ep-b', now(), now())");
            s.execute("INSERT INTO device_credentials (device_id, channel, mode, status, psk_identity, created_at) "
                    + "SELECT id, 'BOOTSTRAP', 'PSK', 'ACTIVE', 'same-identity', now() FROM devices WHERE endpoint = 'ep-a'");
            assertThatThrownBy(() -> s.execute("INSERT INTO device_credentials (device_id, channel, mode, status, psk_identity, created_at) "
                    + "SELECT id, 'BOOTSTRAP', 'PSK', 'ACTIVE', 'same-identity', now() FROM devices WHERE endpoint = 'ep-b'"))
                    .hasMessageContaining("device_credentials_bootstrap_identity_key");
            // A retired credential no longer holds its identity.
            s.execute("INSERT INTO device_credentials (device_id, channel, mode, status, psk_identity, created_at) "
                    + "SELECT id, 'BOOTSTRAP', 'PSK', 'RETIRED', 'same-identity', now() FROM devices WHERE endpoint = 'ep-b'");
        }
    }

    @Test
    void aSecretIsNeverStoredWithoutItsWrappedDataKey() throws SQLException {
        try (Connection c = db.getPostgresDatabase().getConnection(); Statement s = c.createStatement()) {
            s.execute("INSERT INTO devices (endpoint, created_at, updated_at) VALUES ('ep-secret', now(), now())");
            assertThatThrownBy(() -> s.execute("INSERT INTO device_credentials (device_id, channel, mode, status, secret_ciphertext, created_at) "
                    + "SELECT id, 'BOOTSTRAP', 'PSK', 'ACTIVE', '\\x01', now() FROM devices WHERE endpoint = 'ep-secret'"))
                    .hasMessageContaining("device_credentials_secret_wrapped");
        }
    }
    @Test
    void aCertificateSerialBelongsToOneCredentialOnlyWhileCredentialsWithoutOneAreNotIndexed() throws SQLException {
        try (Connection c = db.getPostgresDatabase().getConnection(); Statement s = c.createStatement()) {
            s.execute("INSERT INTO devices (endpoint, created_at, updated_at) VALUES ('ep-serial-a', now(), now()), ('ep-serial-b', now(), now())");
            s.execute("INSERT INTO device_credentials (device_id, channel, mode, status, certificate_serial, created_at) "
                    + "SELECT id, 'BOOTSTRAP', 'X509', 'ACTIVE', '0a1b2c', now() FROM devices WHERE endpoint = 'ep-serial-a'");
            assertThatThrownBy(() -> s.execute("INSERT INTO device_credentials (device_id, channel, mode, status, certificate_serial, created_at) "
                    + "SELECT id, 'BOOTSTRAP', 'X509', 'RETIRED', '0a1b2c', now() FROM devices WHERE endpoint = 'ep-serial-b'"))
                    .hasMessageContaining("device_credentials_certificate_serial_key");
            // Any number of credentials without a certificate.
            s.execute("INSERT INTO device_credentials (device_id, channel, mode, status, created_at) "
                    + "SELECT id, 'BOOTSTRAP', 'PSK', 'RETIRED', now() FROM devices, generate_series(1, 3)");
            try (ResultSet rs = s.executeQuery("""
                    SELECT pg_get_indexdef(i.indexrelid), i.indisunique FROM pg_index i
                    WHERE i.indexrelid = 'device_credentials_certificate_serial_key'::regclass""")) {
                assertThat(rs.next()).isTrue();
                assertThat(rs.getString(1)).endsWith("WHERE (certificate_serial IS NOT NULL)");
                assertThat(rs.getBoolean(2)).isTrue();
            }
            try (ResultSet rs = s.executeQuery("SELECT count(*) FROM pg_class WHERE relname = 'devices_labels_idx'")) {
                rs.next();
                assertThat(rs.getInt(1)).as("the unused GIN label index is gone").isZero();
            }
        }
    }

    @Test
    void devicesCredentialsAndLinksNameExistingParentsWhichCannotBeRemovedUnderThem() throws SQLException {
        try (Connection c = db.getPostgresDatabase().getConnection(); Statement s = c.createStatement()) {
            s.execute("INSERT INTO profiles (name, definition, created_at, updated_at) VALUES ('prof-parent', '{}', now(), now())");
            s.execute("INSERT INTO devices (endpoint, profile_id, created_at, updated_at) "
                    + "SELECT 'ep-parent', id, now(), now() FROM profiles WHERE name = 'prof-parent'");
            s.execute("INSERT INTO dm_servers (name, uri, short_server_id, lifetime, binding, security_mode, created_at) "
                    + "VALUES ('dm-parent', 'coaps://dm:5684', 7, 300, 'U', 'PSK', now())");
            // Set-based inserts are checked as a whole: one row without its parent refuses the statement.
            assertThatThrownBy(() -> s.execute("INSERT INTO device_credentials (device_id, channel, mode, status, created_at) "
                    + "SELECT id, 'BOOTSTRAP', 'PSK', 'ACTIVE', now() FROM devices WHERE endpoint = 'ep-parent' "
                    + "UNION ALL SELECT -42, 'BOOTSTRAP', 'PSK', 'ACTIVE', now()"))
                    .hasMessageContaining("names device -42, which does not exist")
                    .satisfies(e -> assertThat(((SQLException) e).getSQLState()).isEqualTo("23503"));
            assertThatThrownBy(() -> s.execute("INSERT INTO device_credentials (device_id, channel, server_id, mode, status, created_at) "
                    + "SELECT id, 'SERVER', -7, 'PSK', 'ACTIVE', now() FROM devices WHERE endpoint = 'ep-parent'"))
                    .hasMessageContaining("names DM server -7, which does not exist");
            assertThatThrownBy(() -> s.execute("INSERT INTO device_servers (device_id, server_id, position) "
                    + "SELECT -43, id, 0 FROM dm_servers WHERE name = 'dm-parent'"))
                    .hasMessageContaining("names device -43, which does not exist");
            assertThatThrownBy(() -> s.execute("INSERT INTO device_servers (device_id, server_id, position) "
                    + "SELECT id, -8, 0 FROM devices WHERE endpoint = 'ep-parent'"))
                    .hasMessageContaining("names DM server -8, which does not exist");
            assertThatThrownBy(() -> s.execute("INSERT INTO devices (endpoint, profile_id, created_at, updated_at) "
                    + "VALUES ('ep-orphan', -9, now(), now())"))
                    .hasMessageContaining("names profile -9, which does not exist");
            s.execute("INSERT INTO device_credentials (device_id, channel, server_id, mode, status, created_at) "
                    + "SELECT d.id, 'SERVER', s.id, 'PSK', 'ACTIVE', now() FROM devices d, dm_servers s "
                    + "WHERE d.endpoint = 'ep-parent' AND s.name = 'dm-parent'");
            s.execute("INSERT INTO device_servers (device_id, server_id, position) "
                    + "SELECT d.id, s.id, 0 FROM devices d, dm_servers s WHERE d.endpoint = 'ep-parent' AND s.name = 'dm-parent'");
            assertThatThrownBy(() -> s.execute("UPDATE device_credentials SET device_id = -44 "
                    + "WHERE device_id = (SELECT id FROM devices WHERE endpoint = 'ep-parent')"))
                    .hasMessageContaining("names device -44, which does not exist");
            assertThatThrownBy(() -> s.execute("UPDATE devices SET profile_id = -45 WHERE endpoint = 'ep-parent'"))
                    .hasMessageContaining("names profile -45, which does not exist");
            assertThatThrownBy(() -> s.execute("DELETE FROM devices WHERE endpoint = 'ep-parent'"))
                    .hasMessageContaining("devices are never deleted");
            assertThatThrownBy(() -> s.execute("TRUNCATE devices CASCADE"))
                    .hasMessageContaining("devices are never deleted");
            assertThatThrownBy(() -> s.execute("DELETE FROM dm_servers WHERE name = 'dm-parent'"))
                    .hasMessageContaining("DM servers are never deleted");
            assertThatThrownBy(() -> s.execute("DELETE FROM profiles WHERE name = 'prof-parent'"))
                    .hasMessageContaining("would leave devices naming profile")
                    .satisfies(e -> assertThat(((SQLException) e).getSQLState()).isEqualTo("23503"));
            // An unused profile can still be deleted.
            s.execute("INSERT INTO profiles (name, definition, created_at, updated_at) VALUES ('prof-unused', '{}', now(), now())");
            assertThat(s.executeUpdate("DELETE FROM profiles WHERE name = 'prof-unused'")).isEqualTo(1);
            try (ResultSet rs = s.executeQuery("SELECT count(*) FROM device_credentials c JOIN devices d ON d.id = c.device_id "
                    + "WHERE d.endpoint = 'ep-parent'")) {
                rs.next();
                assertThat(rs.getInt(1)).as("the refused statements changed nothing").isEqualTo(1);
            }
        }
    }

    /** Decision 087: certificates name their authority without a foreign key; the authority cannot go. */
    @Test
    void aCertificateAuthorityCanNeitherBeDeletedNorRenumbered() throws SQLException {
        try (Connection c = db.getPostgresDatabase().getConnection(); Statement s = c.createStatement()) {
            s.execute("INSERT INTO ca_authorities (name, source, key_algorithm, chain_pem, created_at) "
                    + "VALUES ('ca-kept', 'PKCS11', 'EC', 'pem', now())");
            s.execute("INSERT INTO certificates (serial, authority_id, subject, profile, not_before, not_after, status, requested_by, der, created_at) "
                    + "SELECT 'a1b2c3', id, 'CN=kept', 'DEVICE', now(), now() + interval '1 day', 'VALID', 'test', '\\x00', now() "
                    + "FROM ca_authorities WHERE name = 'ca-kept'");
            assertThatThrownBy(() -> s.execute("DELETE FROM ca_authorities WHERE name = 'ca-kept'"))
                    .hasMessageContaining("certificate authorities are never deleted")
                    .satisfies(e -> assertThat(((SQLException) e).getSQLState()).isEqualTo("23001"));
            assertThatThrownBy(() -> s.execute("UPDATE ca_authorities SET id = DEFAULT WHERE name = 'ca-kept'"))
                    .hasMessageContaining("certificate authorities are never deleted");
            assertThatThrownBy(() -> s.execute("TRUNCATE ca_authorities CASCADE"))
                    .hasMessageContaining("certificate authorities are never deleted");
            // Other columns still change (a renamed authority keeps its certificates).
            assertThat(s.executeUpdate("UPDATE ca_authorities SET name = 'ca-kept-renamed' WHERE name = 'ca-kept'")).isEqualTo(1);
            try (ResultSet rs = s.executeQuery("SELECT count(*) FROM certificates t JOIN ca_authorities a ON a.id = t.authority_id "
                    + "WHERE a.name = 'ca-kept-renamed'")) {
                rs.next();
                assertThat(rs.getInt(1)).isEqualTo(1);
            }
        }
    }

    /** Two transactions: a profile delete waits for a device insert naming it, then refuses. */
    @Test
    void aProfileDeletedWhileADeviceNamingItIsInsertedIsRefused() throws Exception {
        try (Connection setup = db.getPostgresDatabase().getConnection(); Statement s = setup.createStatement()) {
            s.execute("INSERT INTO profiles (name, definition, created_at, updated_at) VALUES ('prof-race', '{}', now(), now())");
        }
        try (Connection inserting = db.getPostgresDatabase().getConnection();
                Connection deleting = db.getPostgresDatabase().getConnection()) {
            inserting.setAutoCommit(false);
            try (Statement s = inserting.createStatement()) {
                s.execute("INSERT INTO devices (endpoint, profile_id, created_at, updated_at) "
                        + "SELECT 'ep-race', id, now(), now() FROM profiles WHERE name = 'prof-race'");
            }
            java.util.concurrent.CompletableFuture<Throwable> delete = java.util.concurrent.CompletableFuture.supplyAsync(() -> {
                try (Statement s = deleting.createStatement()) {
                    s.execute("DELETE FROM profiles WHERE name = 'prof-race'");
                    return null;
                } catch (SQLException e) {
                    return e;
                }
            });
            Thread.sleep(300);
            assertThat(delete).as("the delete waits for the inserting transaction").isNotDone();
            inserting.commit();
            assertThat(delete.get(10, java.util.concurrent.TimeUnit.SECONDS)).isNotNull()
                    .hasMessageContaining("would leave devices naming profile");
        }
    }
}
