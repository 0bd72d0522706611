package io.lwm2m.provisioning.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.lwm2m.provisioning.bootstrap.history.SessionHistoryWriter;
import io.lwm2m.provisioning.bootstrap.lwm2m.SecurityMode;
import io.lwm2m.provisioning.bootstrap.sessions.BootstrapFailure;
import io.lwm2m.provisioning.bootstrap.sessions.ResponseCode;
import io.lwm2m.provisioning.bootstrap.sessions.SessionEnd;
import io.lwm2m.provisioning.bootstrap.sessions.SessionOutcome;
import io.lwm2m.provisioning.bootstrap.history.SessionRecorder;
import io.lwm2m.provisioning.bootstrap.sessions.SessionStart;
import io.lwm2m.provisioning.bootstrap.sessions.SessionStep;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * The session history's held starts (ADR 016), against the server's real recorder and PostgreSQL:
 * a session that ends within the hold is one INSERT of the finished row (never an UPDATE, never a
 * RUNNING row), superseding what runs for the device just as a start does; a longer one is RUNNING
 * in the database once the hold has passed and is updated at its end. A trigger, present only
 * during this test, records every UPDATE of a session row.
 */
class SessionHistoryHoldTest {

    private static TestServer server;
    private static JdbcTemplate jdbc;
    private static SessionRecorder recorder;
    private static SessionHistoryWriter writer;

    @BeforeAll
    static void start() {
        server = TestServer.shared();
        jdbc = new JdbcTemplate(server.bean(javax.sql.DataSource.class));
        recorder = server.bean(SessionRecorder.class);
        writer = server.bean(SessionHistoryWriter.class);
        jdbc.execute("CREATE TABLE IF NOT EXISTS hold_test_updates (id UUID NOT NULL, old_outcome VARCHAR(16), new_outcome VARCHAR(16))");
        jdbc.execute("""
                CREATE OR REPLACE FUNCTION hold_test_record_update() RETURNS trigger AS $$
                BEGIN
                  INSERT INTO hold_test_updates VALUES (OLD.id, OLD.outcome, NEW.outcome);
                  RETURN NEW;
                END $$ LANGUAGE plpgsql""");
        jdbc.execute("CREATE TRIGGER hold_test_updates AFTER UPDATE ON bootstrap_sessions "
                + "FOR EACH ROW EXECUTE FUNCTION hold_test_record_update()");
        // How many rows each INSERT statement wrote: finished sessions of one group commit share one.
        jdbc.execute("CREATE TABLE IF NOT EXISTS hold_test_inserts (row_count BIGINT NOT NULL)");
        jdbc.execute("""
                CREATE OR REPLACE FUNCTION hold_test_record_insert() RETURNS trigger AS $$
                BEGIN
                  INSERT INTO hold_test_inserts SELECT count(*) FROM new_rows;
                  RETURN NULL;
                END $$ LANGUAGE plpgsql""");
        jdbc.execute("CREATE TRIGGER hold_test_inserts AFTER INSERT ON bootstrap_sessions "
                + "REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION hold_test_record_insert()");
    }

    @AfterAll
    static void dropTrigger() {
        jdbc.execute("DROP TRIGGER IF EXISTS hold_test_updates ON bootstrap_sessions");
        jdbc.execute("DROP FUNCTION IF EXISTS hold_test_record_update()");
        jdbc.execute("DROP TABLE IF EXISTS hold_test_updates");
        jdbc.execute("DROP TRIGGER IF EXISTS hold_test_inserts ON bootstrap_sessions");
        jdbc.execute("DROP FUNCTION IF EXISTS hold_test_record_insert()");
        jdbc.execute("DROP TABLE IF EXISTS hold_test_inserts");
    }

    @Test
    void aSessionEndingWithinTheHoldIsOneInsertOfTheFinishedRow() {
        long device = unusedDeviceId();
        SessionStart start = start(device);
        recorder.begin(start);
        recorder.finish(start, new SessionEnd(SessionOutcome.SUCCEEDED, null, null, "1.1", steps(start), 0, Instant.now()));
        writer.flush();

        Map<String, Object> row = row(start.id());
        assertThat(row.get("outcome")).isEqualTo("SUCCEEDED");
        assertThat(row.get("lwm2m_version")).isEqualTo("1.1");
        assertThat(row.get("bootstrap_account_instance")).isEqualTo(0);
        assertThat(recorder.learnedBootstrapAccountInstance(device)).contains(0);
        assertThat(row.get("ended_at")).isNotNull();
        assertThat(row.get("endpoint")).isEqualTo(start.endpoint());
        assertThat((String) row.get("steps")).contains("Bootstrap-Finish");
        assertThat(updatesOf(start.id())).isEmpty();
    }

    @Test
    void aSessionOutlastingTheHoldIsRunningInTheDatabaseAndUpdatedAtItsEnd() throws Exception {
        long device = unusedDeviceId();
        SessionStart start = start(device);
        recorder.begin(start);
        // The hold is 100 ms; the start is queued within a quarter of that after it passes.
        Map<String, Object> running = awaitRow(start.id());
        assertThat(running.get("outcome")).isEqualTo("RUNNING");
        assertThat(running.get("ended_at")).isNull();

        recorder.finish(start, new SessionEnd(SessionOutcome.FAILED, BootstrapFailure.CLIENT_ERROR, "the client answered 5.00 to Write /0/1",
                "1.1", steps(start), 1, Instant.now()));
        writer.flush();
        assertThat(row(start.id()).get("outcome")).isEqualTo("FAILED");
        assertThat(row(start.id()).get("reason")).isEqualTo("the client answered 5.00 to Write /0/1");
        assertThat(row(start.id()).get("bootstrap_account_instance")).isEqualTo(1);
        assertThat(updatesOf(start.id())).containsExactly("RUNNING->FAILED");
    }

    @Test
    void aSessionEndingWithinTheHoldSupersedesWhatRunsForItsDevice() {
        long device = unusedDeviceId();
        // A session another replica left running.
        UUID orphan = UUID.randomUUID();
        jdbc.update("INSERT INTO bootstrap_sessions (id, device_id, endpoint, peer_address, security_mode, started_at, outcome) "
                + "VALUES (?, ?, 'urn:dev:hold-orphan', '192.0.2.1:5684', 'PSK', now(), 'RUNNING')", orphan, device);
        SessionStart start = start(device);
        recorder.begin(start);
        recorder.finish(start, new SessionEnd(SessionOutcome.SUCCEEDED, null, null, "1.1", steps(start), 0, Instant.now()));
        writer.flush();

        assertThat(row(start.id()).get("outcome")).isEqualTo("SUCCEEDED");
        assertThat(row(orphan).get("outcome")).isEqualTo("FAILED");
        assertThat((String) row(orphan).get("reason")).isEqualTo("superseded by a new Bootstrap-Request (session " + start.id() + ")");
        assertThat(updatesOf(start.id())).isEmpty();
        assertThat(jdbc.queryForObject("SELECT count(*) FROM bootstrap_sessions WHERE device_id = ? AND outcome = 'RUNNING'",
                Integer.class, device)).isZero();
    }

    @Test
    void aReaderOfTheHistorySeesAHeldStartAtOnce() {
        long device = unusedDeviceId();
        SessionStart start = start(device);
        recorder.begin(start);
        // The sessions API reads through pageForDevice, which queues held starts and flushes first.
        assertThat(recorder.pageForDevice(device, null, null, 10)).singleElement()
                .satisfies(r -> assertThat(r.outcome()).isEqualTo(SessionOutcome.RUNNING));
        recorder.finish(start, new SessionEnd(SessionOutcome.SUCCEEDED, null, null, "1.1", steps(start), 0, Instant.now()));
        writer.flush();
        assertThat(row(start.id()).get("outcome")).isEqualTo("SUCCEEDED");
        assertThat(updatesOf(start.id())).containsExactly("RUNNING->SUCCEEDED");
    }

    @Test
    void finishedSessionsQueuedTogetherAreOneInsertAndEachSupersedesInQueueOrder() {
        jdbc.update("DELETE FROM hold_test_inserts");
        List<Long> devices = new ArrayList<>();
        Map<Long, UUID> orphans = new HashMap<>();
        for (int i = 0; i < 20; i++) {
            long device = unusedDeviceId();
            devices.add(device);
            if (i % 2 == 0) {
                UUID orphan = UUID.randomUUID();
                jdbc.update("INSERT INTO bootstrap_sessions (id, device_id, endpoint, peer_address, security_mode, started_at, outcome) "
                        + "VALUES (?, ?, 'urn:dev:hold-orphan', '192.0.2.1:5684', 'PSK', now(), 'RUNNING')", orphan, device);
                orphans.put(device, orphan);
            }
        }
        // Two sessions per device, each ended right after its start, the first of every device queued
        // before any second: the first of each device supersedes its orphan.
        List<SessionStart> first = new ArrayList<>();
        List<SessionStart> second = new ArrayList<>();
        for (List<SessionStart> round : List.of(first, second)) {
            for (int i = 0; i < devices.size(); i++) {
                SessionStart start = start(devices.get(i));
                recorder.begin(start);
                recorder.finish(start, new SessionEnd(i % 3 == 0 ? SessionOutcome.FAILED : SessionOutcome.SUCCEEDED,
                        i % 3 == 0 ? BootstrapFailure.CLIENT_ERROR : null, i % 3 == 0 ? "the client answered 4.00" : null,
                        "1.1", steps(start), i % 3 == 0 ? null : i, Instant.now()));
                round.add(start);
            }
        }
        writer.flush();

        for (int i = 0; i < devices.size(); i++) {
            for (SessionStart start : List.of(first.get(i), second.get(i))) {
                Map<String, Object> row = row(start.id());
                assertThat(row.get("device_id")).isEqualTo(devices.get(i));
                assertThat(row.get("endpoint")).isEqualTo(start.endpoint());
                assertThat(row.get("peer_address")).isEqualTo("127.0.0.1:40000");
                assertThat(row.get("security_mode")).isEqualTo("PSK");
                assertThat(row.get("identity")).isEqualTo(start.identity());
                assertThat(row.get("content_format")).isEqualTo(11542);
                assertThat(((java.sql.Timestamp) row.get("started_at")).toInstant()).isEqualTo(start.startedAt());
                assertThat(row.get("ended_at")).isNotNull();
                assertThat(row.get("lwm2m_version")).isEqualTo("1.1");
                assertThat((String) row.get("steps")).contains("Bootstrap-Discover").contains("Bootstrap-Finish");
                if (i % 3 == 0) {
                    assertThat(row).containsEntry("outcome", "FAILED").containsEntry("failure", "CLIENT_ERROR")
                            .containsEntry("reason", "the client answered 4.00").containsEntry("bootstrap_account_instance", null);
                } else {
                    assertThat(row).containsEntry("outcome", "SUCCEEDED").containsEntry("failure", null)
                            .containsEntry("reason", null).containsEntry("bootstrap_account_instance", i);
                }
            }
            UUID orphan = orphans.get(devices.get(i));
            if (orphan != null) {
                assertThat(row(orphan)).containsEntry("outcome", "FAILED").containsEntry("failure", "SUPERSEDED")
                        .containsEntry("reason", "superseded by a new Bootstrap-Request (session " + first.get(i).id() + ")");
                assertThat(((java.sql.Timestamp) row(orphan).get("ended_at")).toInstant()).isEqualTo(first.get(i).startedAt());
            }
        }
        // 40 rows, queued within a millisecond or two: the group commit wrote them in far fewer statements.
        assertThat(jdbc.queryForObject("SELECT max(row_count) FROM hold_test_inserts", Long.class)).isGreaterThan(1L);
    }

    /** The grouped statement passes each column as an array: what array literals quote must arrive as it was. */
    @Test
    void valuesThatArrayLiteralsQuoteAreWrittenAsGiven() {
        long device = unusedDeviceId();
        String awkward = "NULL";
        String punctuated = "urn:dev:{\"a,b\"}\\ NULL 'x' é";
        SessionStart start = new SessionStart(UUID.randomUUID(), device, punctuated, "[::1]:5684", SecurityMode.PSK, awkward, null,
                Instant.now().truncatedTo(ChronoUnit.MICROS));
        recorder.begin(start);
        recorder.finish(start, new SessionEnd(SessionOutcome.FAILED, BootstrapFailure.CLIENT_ERROR, awkward, null,
                List.of(new SessionStep("Bootstrap-Discover", "/", ResponseCode.CONTENT, "</>;lwm2m=\"1.0\",{}\\", start.startedAt(), 1)),
                null, Instant.now()));
        writer.flush();

        Map<String, Object> row = row(start.id());
        assertThat(row).containsEntry("endpoint", punctuated).containsEntry("identity", awkward).containsEntry("reason", awkward)
                .containsEntry("peer_address", "[::1]:5684").containsEntry("content_format", null)
                .containsEntry("lwm2m_version", null).containsEntry("bootstrap_account_instance", null);
        assertThat((String) row.get("steps")).contains("lwm2m=\\\"1.0\\\",{}\\\\");
    }

    @Test
    void aFinishedSessionTheDatabaseRefusesCostsNoOtherSessionOfItsGroup() {
        List<SessionStart> starts = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            SessionStart start = start(unusedDeviceId());
            recorder.begin(start);
            starts.add(start);
        }
        for (int i = 0; i < starts.size(); i++) {
            // Instance 70000 breaks the column's CHECK (0-65535): the group fails, then each row is tried alone.
            recorder.finish(starts.get(i), new SessionEnd(SessionOutcome.SUCCEEDED, null, null, "1.1", steps(starts.get(i)),
                    i == 4 ? 70_000 : 1, Instant.now()));
        }
        writer.flush();

        for (int i = 0; i < starts.size(); i++) {
            List<Map<String, Object>> rows = jdbc.queryForList("SELECT * FROM bootstrap_sessions WHERE id = ?", starts.get(i).id());
            if (i == 4) {
                assertThat(rows).isEmpty();
            } else {
                assertThat(rows).singleElement().satisfies(r -> assertThat(r).containsEntry("outcome", "SUCCEEDED")
                        .containsEntry("bootstrap_account_instance", 1));
            }
        }
    }

    private static SessionStart start(long device) {
        return new SessionStart(UUID.randomUUID(), device, "urn:dev:hold-" + device, "127.0.0.1:40000", SecurityMode.PSK,
                "psk:hold-" + device, 11542, Instant.now().truncatedTo(ChronoUnit.MICROS));
    }

    private static List<SessionStep> steps(SessionStart start) {
        return List.of(new SessionStep("Bootstrap-Discover", "/", ResponseCode.CONTENT, null, start.startedAt(), 3),
                new SessionStep("Bootstrap-Finish", "/bs", ResponseCode.CHANGED, null, start.startedAt(), 2));
    }

    /** A device id no real device has (sessions reference devices without a foreign key, V10). */
    private static long unusedDeviceId() {
        return 1_000_000_000L + ThreadLocalRandom.current().nextLong(1_000_000_000L);
    }

    private static Map<String, Object> row(UUID id) {
        return jdbc.queryForMap("SELECT * FROM bootstrap_sessions WHERE id = ?", id);
    }

    private static Map<String, Object> awaitRow(UUID id) throws InterruptedException {
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (System.nanoTime() < deadline) {
            List<Map<String, Object>> rows = jdbc.queryForList("SELECT * FROM bootstrap_sessions WHERE id = ?", id);
            if (!rows.isEmpty()) {
                return rows.get(0);
            }
            Thread.sleep(20);
        }
        throw new AssertionError("session " + id + " not written within 5 s");
    }

    private static List<String> updatesOf(UUID id) {
        return jdbc.queryForList("SELECT old_outcome || '->' || new_outcome FROM hold_test_updates WHERE id = ?", String.class, id);
    }
}
