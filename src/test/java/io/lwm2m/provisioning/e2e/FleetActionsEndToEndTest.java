package io.lwm2m.provisioning.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.JdbcTemplate;
import tools.jackson.databind.JsonNode;

/** Bulk rotate and revoke by label or profile: a count first, then a job with progress, audited once. */
class FleetActionsEndToEndTest {

    @Test
    void rotateByLabelAndRevokeByProfileAsJobs() throws Exception {
        TestServer server = TestServer.shared();
        String dm = Fixtures.server(server, "coaps://dm.example:5684", 631, 300, "U", "PSK", true);
        String lineA = Imports.profile(server, dm);
        String lineB = Imports.profile(server, dm);
        String label = "fleet=" + UUID.randomUUID();
        String prefix = Fixtures.unique("urn:dev:fleet");
        StringBuilder csv = new StringBuilder("endpoint,profile,mode,labels\n");
        for (int i = 0; i < 30; i++) {
            csv.append(prefix).append('-').append(i).append(',').append(i < 20 ? lineA : lineB).append(",psk,")
                    .append(i < 20 ? label : "other").append('\n');
        }
        String importId = Imports.upload(server, "text/csv", csv.toString().getBytes(StandardCharsets.UTF_8), "").json().get("id").asString();
        assertThat(Imports.await(server, importId, Duration.ofSeconds(30)).get("rows").get("created").asLong()).isEqualTo(30);
        server.upload("POST", "/api/v1/imports/" + importId + "/secrets/acknowledge", null, null);

        TestServer.ApiResponse count = server.call("POST", "/api/v1/fleet-actions",
                "{\"action\":\"rotate\",\"selector\":{\"label\":\"" + label + "\"},\"dryRun\":true}");
        assertThat(count.status()).as(count.toString()).isEqualTo(200);
        assertThat(count.json().get("devices").asLong()).isEqualTo(20);
        JdbcTemplate db = server.bean(JdbcTemplate.class);
        assertThat(pending(db, prefix)).as("a dry run changes nothing").isZero();

        JsonNode rotated = run(server, "{\"action\":\"rotate\",\"selector\":{\"label\":\"" + label + "\"},\"target\":\"servers\"}");
        assertThat(rotated.get("state").asString()).isEqualTo("SUCCEEDED");
        assertThat(rotated.get("total").asLong()).isEqualTo(20);
        assertThat(rotated.get("done").asLong()).isEqualTo(20);
        assertThat(pending(db, prefix)).isEqualTo(20);

        JsonNode again = run(server, "{\"action\":\"rotate\",\"selector\":{\"label\":\"" + label + "\"}}");
        assertThat(again.get("failed").asLong()).as("a pending rotation is not rotated again").isEqualTo(20);
        assertThat(pending(db, prefix)).isEqualTo(20);

        JsonNode revoked = run(server, "{\"action\":\"revoke\",\"selector\":{\"profile\":\"" + lineB + "\"},\"target\":\"all\",\"reason\":1}");
        assertThat(revoked.get("done").asLong()).isEqualTo(10);
        assertThat(db.queryForObject("""
                SELECT count(*) FROM device_credentials c JOIN devices d ON d.id = c.device_id
                WHERE d.endpoint LIKE ? AND c.status = 'REVOKED'""", Long.class, prefix + "-%")).isEqualTo(20);
        assertThat(server.call("GET", "/api/v1/devices/" + prefix + "-25", null).json().has("bootstrapCredential")).isFalse();

        assertThat(db.queryForObject("SELECT count(*) FROM audit_events WHERE target = ?", Long.class,
                "fleet-action:" + rotated.get("id").asString())).as("one audit event per job").isEqualTo(1);

        TestServer.ApiResponse bad = server.call("POST", "/api/v1/fleet-actions",
                "{\"action\":\"delete\",\"selector\":{\"label\":\"x\",\"profile\":\"y\"}}");
        assertThat(bad.status()).isEqualTo(400);
        assertThat(bad.body()).contains("\"action\"", "\"selector\"");
        assertThat(server.call("POST", "/api/v1/fleet-actions", "{\"action\":\"rotate\",\"selector\":{\"label\":\"x\"},\"target\":\"all\"}")
                .status()).isEqualTo(400);
        assertThat(server.call("GET", "/api/v1/fleet-actions/" + UUID.randomUUID(), null).status()).isEqualTo(404);
    }

    private static long pending(JdbcTemplate db, String prefix) {
        return db.queryForObject("""
                SELECT count(*) FROM device_credentials c JOIN devices d ON d.id = c.device_id
                WHERE d.endpoint LIKE ? AND c.status = 'PENDING'""", Long.class, prefix + "-%");
    }

    private static JsonNode run(TestServer server, String body) throws InterruptedException {
        TestServer.ApiResponse accepted = server.call("POST", "/api/v1/fleet-actions", body);
        assertThat(accepted.status()).as(accepted.toString()).isEqualTo(202);
        String id = accepted.json().get("id").asString();
        Instant deadline = Instant.now().plusSeconds(60);
        while (true) {
            JsonNode job = server.call("GET", "/api/v1/fleet-actions/" + id, null).json();
            if (job.get("state").asString().equals("SUCCEEDED") || job.get("state").asString().equals("FAILED")) {
                return job;
            }
            assertThat(Instant.now()).as(job.toString()).isBefore(deadline);
            Thread.sleep(200);
        }
    }
}
