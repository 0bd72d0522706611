package io.lwm2m.provisioning.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.JdbcTemplate;
import tools.jackson.databind.JsonNode;

/** API key management over real HTTP: shown once, stored hashed, expiry and revocation refused with 401. */
class ApiKeysTest {

    private static TestServer server;

    @BeforeAll
    static void start() {
        server = TestServer.shared();
    }

    @Test
    void aNewKeyIsShownOnceAndStoredAsItsHashOnly() throws Exception {
        JsonNode created = ApiKeys.create(server, "auditor", null);
        String key = created.get("key").asString();
        long id = created.get("id").asLong();
        assertThat(key).startsWith("bsk_").hasSizeGreaterThan(40);
        assertThat(created.get("role").asString()).isEqualTo("auditor");
        assertThat(created.get("status").asString()).isEqualTo("ACTIVE");
        assertThat(key).startsWith(created.get("prefix").asString());

        TestServer.ApiResponse read = server.call("GET", "/api/v1/api-keys/" + id, null);
        assertThat(read.status()).isEqualTo(200);
        assertThat(read.body()).doesNotContain(key).doesNotContain("\"key\"");
        TestServer.ApiResponse list = server.call("GET", "/api/v1/api-keys?limit=1000", null);
        assertThat(list.body()).doesNotContain(key).contains("\"id\":" + id);

        Map<String, Object> row = new JdbcTemplate(server.bean(DataSource.class))
                .queryForMap("SELECT * FROM api_keys WHERE id = ?", id);
        byte[] sha256 = MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8));
        assertThat((byte[]) row.get("key_hash")).isEqualTo(sha256);
        assertThat(row.values()).noneMatch(value -> value instanceof String text && text.contains(key.substring(10)));
    }

    @Test
    void aKeyActsWithItsRoleOnly() {
        String auditor = ApiKeys.bearer(server, "auditor");
        assertThat(server.call("GET", "/api/v1/audit?limit=1", null, auditor).status()).isEqualTo(200);
        assertThat(server.call("GET", "/api/v1/api-keys", null, auditor).status()).isEqualTo(403);
    }

    @Test
    void aRevokedKeyIsRefusedAtOnceAndTheRevocationIsAudited() {
        JsonNode created = ApiKeys.create(server, "operator", null);
        String bearer = "Bearer " + created.get("key").asString();
        assertThat(server.call("GET", "/api/v1/servers", null, bearer).status()).isEqualTo(200);

        TestServer.ApiResponse revoked = server.call("DELETE", "/api/v1/api-keys/" + created.get("id").asLong(), null);
        assertThat(revoked.status()).as(revoked.toString()).isEqualTo(200);
        assertThat(revoked.json().get("status").asString()).isEqualTo("REVOKED");
        assertThat(revoked.json().get("revokedBy").asString()).isEqualTo("api-key:initial-admin");

        TestServer.ApiResponse refused = server.call("GET", "/api/v1/servers", null, bearer);
        assertThat(refused.status()).isEqualTo(401);
        assertThat(refused.contentType()).startsWith("application/problem+json");
        assertThat(refused.json().get("detail").asString()).contains("revoked");

        JsonNode events = server.call("GET", "/api/v1/audit?action=api-key.revoke&target=api-key:" + created.get("id").asLong(),
                null).json();
        assertThat(events).hasSize(1);
        assertThat(events.get(0).get("actor").asString()).isEqualTo("api-key:initial-admin");
        assertThat(events.get(0).get("role").asString()).isEqualTo("admin");
    }

    @Test
    void anExpiredKeyIsRefused() throws Exception {
        Instant expiry = Instant.now().plusSeconds(2);
        JsonNode created = ApiKeys.create(server, "auditor", expiry.toString());
        String bearer = "Bearer " + created.get("key").asString();
        assertThat(server.call("GET", "/api/v1/servers", null, bearer).status()).isEqualTo(200);
        Thread.sleep(Math.max(0, expiry.toEpochMilli() - System.currentTimeMillis()) + 200);
        TestServer.ApiResponse refused = server.call("GET", "/api/v1/servers", null, bearer);
        assertThat(refused.status()).isEqualTo(401);
        assertThat(refused.json().get("detail").asString()).contains("expired");
        assertThat(server.call("GET", "/api/v1/api-keys/" + created.get("id").asLong(), null).json().get("status").asString())
                .isEqualTo("EXPIRED");
    }

    @Test
    void badKeyRequestsName400EveryFieldAndCreateNothing() {
        TestServer.ApiResponse empty = server.call("POST", "/api/v1/api-keys", "{}");
        assertThat(empty.status()).isEqualTo(400);
        assertThat(fields(empty)).containsExactlyInAnyOrder("name", "role");

        TestServer.ApiResponse role = server.call("POST", "/api/v1/api-keys", "{\"name\":\"x\",\"role\":\"root\"}");
        assertThat(role.status()).isEqualTo(400);
        assertThat(fields(role)).containsExactly("role");

        TestServer.ApiResponse past = server.call("POST", "/api/v1/api-keys",
                "{\"name\":\"x\",\"role\":\"auditor\",\"expiresAt\":\"2001-01-01T00:00:00Z\"}");
        assertThat(past.status()).isEqualTo(400);
        assertThat(fields(past)).containsExactly("expiresAt");

        TestServer.ApiResponse garbled = server.call("POST", "/api/v1/api-keys",
                "{\"name\":\"x\",\"role\":\"auditor\",\"expiresAt\":\"next tuesday\"}");
        assertThat(garbled.status()).isEqualTo(400);
        assertThat(fields(garbled)).containsExactly("expiresAt");

        assertThat(server.call("GET", "/api/v1/api-keys/999999999", null).status()).isEqualTo(404);
        TestServer.ApiResponse notANumber = server.call("GET", "/api/v1/api-keys/abc", null);
        assertThat(notANumber.status()).isEqualTo(400);
        assertThat(fields(notANumber)).containsExactly("id");
    }

    @Test
    void theLastValidAdminKeyCannotBeRevoked() {
        try (TestServer fresh = TestServer.start(TestServer.newDataDir())) {
            long initial = fresh.call("GET", "/api/v1/api-keys", null).json().get(0).get("id").asLong();
            TestServer.ApiResponse refused = fresh.call("DELETE", "/api/v1/api-keys/" + initial, null);
            assertThat(refused.status()).as(refused.toString()).isEqualTo(409);
            assertThat(refused.json().get("detail").asString()).contains("last valid admin key");

            JsonNode second = ApiKeys.create(fresh, "admin", null);
            assertThat(fresh.call("DELETE", "/api/v1/api-keys/" + initial, null).status()).isEqualTo(200);
            String secondBearer = "Bearer " + second.get("key").asString();
            assertThat(fresh.call("GET", "/api/v1/api-keys", null, secondBearer).status()).isEqualTo(200);
            assertThat(fresh.call("GET", "/api/v1/api-keys", null).status()).as("the initial key is revoked").isEqualTo(401);
        }
    }

    private static List<String> fields(TestServer.ApiResponse response) {
        return response.json().get("errors").valueStream().map(e -> e.get("field").asString()).toList();
    }
}
