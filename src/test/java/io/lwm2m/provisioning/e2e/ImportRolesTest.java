package io.lwm2m.provisioning.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * Who may do what with imports, exports and fleet actions. Keys of other roles are written straight
 * into the key table (key management through the API is another issue's work).
 */
class ImportRolesTest {

    @Test
    void operatorsImportButNeverReadAnotherCallersSecretsNorExportNorRunFleetActions() throws Exception {
        TestServer server = TestServer.shared();
        String operator = key(server, "operator", "OPERATOR");
        String auditor = key(server, "auditor", "AUDITOR");
        String dm = Fixtures.server(server, "coaps://dm.example:5684", 641, 300, "U", "PSK", true);
        String profile = Imports.profile(server, dm);
        byte[] csv = ("endpoint,profile,mode\n" + Fixtures.unique("urn:dev:roles") + "," + profile + ",psk\n")
                .getBytes(StandardCharsets.UTF_8);

        String adminJob = Imports.upload(server, "text/csv", csv, "").json().get("id").asString();
        Imports.await(server, adminJob, Duration.ofSeconds(30));
        TestServer.ApiResponse foreign = server.upload("GET", "/api/v1/imports/" + adminJob + "/secrets", null, null,
                "Authorization", "Bearer " + operator);
        assertThat(foreign.status()).as("status; the body is not shown, it might hold secrets").isEqualTo(403);
        assertThat(foreign.contentType()).startsWith("application/problem+json");
        assertThat(foreign.json().get("detail").asString()).contains("only the job's creator");
        // An attempt at someone else's secrets is on the audit record.
        assertThat(new org.springframework.jdbc.core.JdbcTemplate(server.bean(javax.sql.DataSource.class)).queryForObject(
                "SELECT count(*) FROM audit_events WHERE action = 'api.denied' AND target = ?", Integer.class,
                "api:GET /api/v1/imports/" + adminJob + "/secrets")).isEqualTo(1);
        assertThat(server.upload("POST", "/api/v1/imports/" + adminJob + "/secrets/acknowledge", null, null,
                "Authorization", "Bearer " + operator).status()).isEqualTo(403);

        assertThat(server.call("GET", "/api/v1/imports/" + adminJob, null, "Bearer " + auditor).status()).isEqualTo(200);
        assertThat(server.upload("POST", "/api/v1/imports", "text/csv", csv, "Authorization", "Bearer " + auditor).status())
                .isEqualTo(403);
        assertThat(server.call("GET", "/api/v1/servers/" + dm + "/credentials-export", null, "Bearer " + operator).status())
                .isEqualTo(403);
        assertThat(server.call("POST", "/api/v1/fleet-actions", "{\"action\":\"rotate\",\"selector\":{\"profile\":\"" + profile
                + "\"},\"dryRun\":true}", "Bearer " + operator).status()).isEqualTo(403);

        byte[] own = ("endpoint,profile,mode\n" + Fixtures.unique("urn:dev:roles") + "," + profile + ",psk\n")
                .getBytes(StandardCharsets.UTF_8);
        TestServer.ApiResponse accepted = server.upload("POST", "/api/v1/imports", "text/csv", own, "Authorization", "Bearer " + operator);
        assertThat(accepted.status()).as(accepted.toString()).isEqualTo(202);
        String operatorJob = accepted.json().get("id").asString();
        Imports.await(server, operatorJob, Duration.ofSeconds(30));
        TestServer.ApiResponse mine = server.upload("GET", "/api/v1/imports/" + operatorJob + "/secrets", null, null,
                "Authorization", "Bearer " + operator);
        assertThat(mine.status()).as("the creator reads its own secrets").isEqualTo(200);
        Imports.secrets(mine).forEach(r -> TestOutput.rememberSecret(r[5]));
        assertThat(server.upload("GET", "/api/v1/imports/" + operatorJob + "/secrets", null, null).status())
                .as("not even an admin reads another caller's secrets").isEqualTo(403);
    }

    /** A key of {@code role}, stored as the server stores keys (SHA-256 of the key). */
    private static String key(TestServer server, String name, String role) throws Exception {
        byte[] random = new byte[32];
        new SecureRandom().nextBytes(random);
        String key = server.adminKey().substring(0, server.adminKey().indexOf('_') + 1)
                + Base64.getUrlEncoder().withoutPadding().encodeToString(random);
        TestOutput.rememberSecret(key);
        server.bean(JdbcTemplate.class).update("""
                INSERT INTO api_keys (name, role, key_hash, key_prefix, created_at, created_by) VALUES (?, ?, ?, ?, ?, 'test')""",
                Fixtures.unique(name), role, MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8)),
                key.substring(0, 10), Timestamp.from(Instant.now()));
        return key;
    }
}
