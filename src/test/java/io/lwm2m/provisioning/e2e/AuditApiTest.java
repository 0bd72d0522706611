package io.lwm2m.provisioning.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.JdbcTemplate;
import tools.jackson.databind.JsonNode;

/** The audit API: filters, cursor pages, request ids, and a hash chain that names the row someone tampered with. */
class AuditApiTest {

    private static TestServer server;

    @BeforeAll
    static void start() {
        server = TestServer.shared();
    }

    @Test
    void eventsCarryTheActorRoleSourceAndRequestIdOfTheCall() {
        String name = Fixtures.unique("dm");
        HttpResponse<String> created = Http.send(HttpRequest.newBuilder(URI.create(server.baseUrl() + "/api/v1/servers"))
                .header("Authorization", "Bearer " + server.adminKey()).header("Content-Type", "application/json")
                .header("X-Request-Id", "trace-" + name)
                .POST(HttpRequest.BodyPublishers.ofString("""
                        {"name":"%s","uri":"coaps://dm.example","shortServerId":7,"lifetime":60,"binding":"U","securityMode":"PSK"}"""
                        .formatted(name))));
        assertThat(created.statusCode()).isEqualTo(201);
        assertThat(created.headers().firstValue("X-Request-Id")).hasValue("trace-" + name);

        JsonNode event = server.call("GET", "/api/v1/audit?action=server.create&target=server:" + name, null).json().get(0);
        assertThat(event.get("actor").asString()).isEqualTo("api-key:initial-admin");
        assertThat(event.get("role").asString()).isEqualTo("admin");
        assertThat(event.get("outcome").asString()).isEqualTo("SUCCESS");
        assertThat(event.get("sourceAddress").asString()).isEqualTo("127.0.0.1");
        assertThat(event.get("requestId").asString()).isEqualTo("trace-" + name);
        assertThat(event.get("details").get("uri").asString()).isEqualTo("coaps://dm.example");
        assertThat(Instant.parse(event.get("occurredAt").asString())).isBefore(Instant.now().plusSeconds(1));
        assertThat(event.get("hash").asString()).hasSize(64);
    }

    @Test
    void filtersNarrowTheLogAndPagesWalkItNewestFirstWithoutGapsOrRepeats() {
        String prefix = Fixtures.unique("paged");
        for (int i = 0; i < 5; i++) {
            Fixtures.server(server, "coaps://" + prefix + ".example", 10 + i, 60, "U", "PSK", true);
        }
        List<JsonNode> all = Http.walk(server, "/api/v1/audit?action=server.*&limit=1000");
        List<JsonNode> paged = Http.walk(server, "/api/v1/audit?action=server.*&limit=2");
        assertThat(paged).hasSizeGreaterThanOrEqualTo(5);
        assertThat(paged.stream().map(e -> e.get("id").asLong()).toList())
                .isEqualTo(all.stream().map(e -> e.get("id").asLong()).toList())
                .isSortedAccordingTo((a, b) -> Long.compare(b, a))
                .doesNotHaveDuplicates();
        assertThat(paged).allMatch(e -> e.get("action").asString().startsWith("server."));

        assertThat(server.call("GET", "/api/v1/api-keys", null, ApiKeys.bearer(server, "auditor")).status()).isEqualTo(403);
        assertThat(server.call("GET", "/api/v1/audit?outcome=DENIED&limit=50", null).json().valueStream()
                .map(e -> e.get("outcome").asString())).containsOnly("DENIED");
        assertThat(server.call("GET", "/api/v1/audit?from=" + Instant.now().plusSeconds(3600), null).json()).isEmpty();
        String lastHour = "from=" + Instant.now().minusSeconds(3600) + "&to=" + Instant.now().plusSeconds(60);
        assertThat(server.call("GET", "/api/v1/audit?action=server.create&" + lastHour, null).json()).hasSizeGreaterThanOrEqualTo(5);
        assertThat(server.call("GET", "/api/v1/audit?actor=api-key:nobody", null).json()).isEmpty();
    }

    @Test
    void badFiltersGet400NamingEachOne() {
        TestServer.ApiResponse response = server.call("GET", "/api/v1/audit?outcome=MAYBE&from=yesterday&to=2026-13-01", null);
        assertThat(response.status()).isEqualTo(400);
        assertThat(response.contentType()).startsWith("application/problem+json");
        assertThat(response.json().get("errors").valueStream().map(e -> e.get("field").asString()).toList())
                .containsExactlyInAnyOrder("outcome", "from", "to");
        assertThat(server.call("GET", "/api/v1/audit?cursor=!!", null).json().get("errors").get(0).get("field").asString())
                .isEqualTo("cursor");
    }

    @Test
    void theUntouchedChainVerifies() {
        JsonNode verification = server.call("GET", "/api/v1/audit/verify", null).json();
        assertThat(verification.get("valid").asBoolean()).as(verification.toString()).isTrue();
        assertThat(verification.get("checked").asLong()).isPositive();
        assertThat(verification.get("firstBrokenId").isNull()).isTrue();
    }

    /**
     * Appends racing from many requests at once still make one chain: each takes the chain's lock and reads
     * the head in one round trip, so no two rows name the same predecessor and the walk finds no break.
     */
    @Test
    void concurrentAppendsMakeOneUnbrokenChain() throws Exception {
        JdbcTemplate db = new JdbcTemplate(server.bean(DataSource.class));
        long before = db.queryForObject("SELECT count(*) FROM audit_events", Long.class);
        ExecutorService callers = Executors.newFixedThreadPool(8);
        try {
            List<Future<String>> created = new ArrayList<>();
            for (int i = 0; i < 64; i++) {
                int shortServerId = 100 + i;
                created.add(callers.submit(() -> Fixtures.server(server, "coaps://race.example", shortServerId, 60, "U", "PSK", true)));
            }
            for (Future<String> name : created) {
                assertThat(name.get(60, TimeUnit.SECONDS)).isNotBlank();
            }
        } finally {
            callers.shutdownNow();
        }
        assertThat(db.queryForObject("SELECT count(*) FROM audit_events", Long.class)).isGreaterThanOrEqualTo(before + 64);
        assertThat(db.queryForObject("SELECT count(prev_hash) - count(DISTINCT prev_hash) FROM audit_events", Long.class))
                .as("rows naming the same predecessor").isZero();
        JsonNode verification = server.call("GET", "/api/v1/audit/verify", null).json();
        assertThat(verification.get("valid").asBoolean()).as(verification.toString()).isTrue();
    }

    @Test
    void verifyNamesTheRowThatWasEditedAndTheRowAfterOneThatWasRemoved() {
        try (TestServer own = TestServer.start(TestServer.newDataDir())) {
            for (int i = 0; i < 4; i++) {
                Fixtures.server(own, "coaps://tamper.example", 20 + i, 60, "U", "PSK", true);
            }
            List<JsonNode> events = own.call("GET", "/api/v1/audit?action=server.create", null).json().valueStream().toList();
            long edited = events.get(2).get("id").asLong();
            long removed = events.get(1).get("id").asLong();
            long afterRemoved = events.get(0).get("id").asLong();
            JdbcTemplate db = new JdbcTemplate(own.bean(DataSource.class));
            assertThat(own.call("GET", "/api/v1/audit/verify", null).json().get("valid").asBoolean()).isTrue();

            db.execute("ALTER TABLE audit_events DISABLE TRIGGER audit_events_no_update_or_delete");
            String actor = db.queryForObject("SELECT actor FROM audit_events WHERE id = ?", String.class, edited);
            db.update("UPDATE audit_events SET actor = 'api-key:someone-else' WHERE id = ?", edited);
            JsonNode broken = own.call("GET", "/api/v1/audit/verify", null).json();
            assertThat(broken.get("valid").asBoolean()).isFalse();
            assertThat(broken.get("firstBrokenId").asLong()).isEqualTo(edited);
            assertThat(broken.get("reason").asString()).contains("edited");

            db.update("UPDATE audit_events SET actor = ? WHERE id = ?", actor, edited);
            assertThat(own.call("GET", "/api/v1/audit/verify", null).json().get("valid").asBoolean()).isTrue();

            db.update("DELETE FROM audit_events WHERE id = ?", removed);
            db.execute("ALTER TABLE audit_events ENABLE TRIGGER audit_events_no_update_or_delete");
            JsonNode gap = own.call("GET", "/api/v1/audit/verify", null).json();
            assertThat(gap.get("valid").asBoolean()).isFalse();
            assertThat(gap.get("firstBrokenId").asLong()).isEqualTo(afterRemoved);
            assertThat(gap.get("reason").asString()).contains("removed");
        }
    }
}
