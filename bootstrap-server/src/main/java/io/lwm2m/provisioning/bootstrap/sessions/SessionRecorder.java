package io.lwm2m.provisioning.bootstrap.sessions;

import io.lwm2m.provisioning.audit.AuditEvent;
import io.lwm2m.provisioning.audit.AuditSink;
import java.sql.Timestamp;
import java.sql.Types;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.springframework.data.domain.Limit;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Transactional;

/**
 * Writes the session history: one statement when a session starts, one when it ends (the row's
 * outcome and all its steps), whatever the number of steps: the hot path of every bootstrap. Both
 * go through the {@link SessionHistoryWriter}'s group commit.
 */
@Component
public class SessionRecorder {

    /** Later than any session: the keyset start of a device's newest-first history. */
    private static final Instant PAGE_START = Instant.parse("9999-01-01T00:00:00Z");

    private final BootstrapSessionRepository sessions;
    private final SessionHistoryWriter writer;
    private final AuditSink audit;

    SessionRecorder(BootstrapSessionRepository sessions, SessionHistoryWriter writer, AuditSink audit) {
        this.sessions = sessions;
        this.writer = writer;
        this.audit = audit;
    }

    /**
     * Records a starting session. A session of the same device still running (on any replica) is
     * ended first as superseded: PostgreSQL's unique index allows one running session per device.
     * One statement: the INSERT reads the UPDATE's result, which makes PostgreSQL finish the
     * UPDATE before the index sees the new running row. Queued for the group commit.
     */
    public void begin(SessionStart start) {
        writer.submit("the start of bootstrap session " + start.id(), BEGIN, start.deviceId(), (statement, connection) -> {
                Timestamp startedAt = Timestamp.from(start.startedAt());
                statement.setString(1, BootstrapSessionRecord.truncate(
                        "superseded by a new Bootstrap-Request (session " + start.id() + ")"));
                statement.setTimestamp(2, startedAt);
                statement.setObject(3, start.deviceId(), Types.BIGINT);
                statement.setObject(4, start.id());
                statement.setObject(5, start.deviceId(), Types.BIGINT);
                statement.setString(6, start.endpoint());
                statement.setString(7, start.peerAddress());
                statement.setString(8, start.securityMode());
                statement.setString(9, start.identity());
                statement.setInt(10, start.contentFormat());
                statement.setTimestamp(11, startedAt);
        });
    }

    private static final String BEGIN = """
            WITH superseded AS (
              UPDATE bootstrap_sessions SET outcome = 'FAILED', reason = ?, ended_at = ?
              WHERE device_id = ? AND outcome = 'RUNNING' RETURNING 1)
            INSERT INTO bootstrap_sessions (id, device_id, endpoint, peer_address, security_mode, identity,
              content_format, started_at, outcome)
            SELECT ?, ?, ?, ?, ?, ?, ?, ?, 'RUNNING' FROM (SELECT count(*) FROM superseded) s""";

    /**
     * Records how a session ended: one statement that updates the session row (unless it was
     * superseded meanwhile, which keeps that outcome) and inserts all its steps from arrays, so one
     * statement whatever the number of steps. Queued for the group commit, after the session's start.
     */
    public void finish(UUID id, Long deviceId, SessionOutcome outcome, String reason, String lwm2mVersion,
            List<SessionStep> steps, Instant endedAt) {
        int n = steps.size();
        Integer[] seq = new Integer[n];
        String[] operation = new String[n];
        String[] path = new String[n];
        String[] code = new String[n];
        String[] detail = new String[n];
        Timestamp[] sentAt = new Timestamp[n];
        Integer[] millis = new Integer[n];
        for (int i = 0; i < n; i++) {
            SessionStep step = steps.get(i);
            seq[i] = i;
            operation[i] = step.operation();
            path[i] = step.path();
            code[i] = step.responseCode();
            detail[i] = step.detail();
            sentAt[i] = Timestamp.from(step.sentAt());
            millis[i] = step.durationMs();
        }
        writer.submit("the end of bootstrap session " + id, FINISH, deviceId, (statement, connection) -> {
                statement.setString(1, outcome.name());
                statement.setString(2, BootstrapSessionRecord.truncate(reason));
                statement.setString(3, lwm2mVersion);
                statement.setTimestamp(4, Timestamp.from(endedAt));
                statement.setObject(5, id);
                statement.setObject(6, id);
                statement.setArray(7, connection.createArrayOf("int4", seq));
                statement.setArray(8, connection.createArrayOf("varchar", operation));
                statement.setArray(9, connection.createArrayOf("varchar", path));
                statement.setArray(10, connection.createArrayOf("varchar", code));
                statement.setArray(11, connection.createArrayOf("varchar", detail));
                statement.setArray(12, connection.createArrayOf("timestamptz", sentAt));
                statement.setArray(13, connection.createArrayOf("int4", millis));
        });
    }

    private static final String FINISH = """
            WITH ended AS (
              UPDATE bootstrap_sessions SET outcome = ?, reason = ?, lwm2m_version = ?, ended_at = ?
              WHERE id = ? AND outcome = 'RUNNING')
            INSERT INTO bootstrap_session_steps (session_id, seq, operation, path, response_code, detail,
              sent_at, duration_ms)
            SELECT ?, s.seq, s.operation, s.path, s.code, s.detail, s.sent_at, s.millis
            FROM unnest(?::int[], ?::varchar[], ?::varchar[], ?::varchar[], ?::varchar[], ?::timestamptz[], ?::int[])
              AS s(seq, operation, path, code, detail, sent_at, millis)""";

    /** Records a Bootstrap-Request that was refused, and audits the refusal with its real reason. */
    @Transactional
    public void refuse(SessionStart start, String responseCode, String reason) {
        BootstrapSessionRecord record = new BootstrapSessionRecord(start);
        record.end(SessionOutcome.FAILED, reason, null, List.of(), start.startedAt());
        sessions.save(record);
        String identity = start.identity() == null ? "unauthenticated" : start.identity();
        audit.record(new AuditEvent("device-identity:" + identity, null, "bootstrap.request",
                "device:" + (start.endpoint() == null ? "?" : start.endpoint()), AuditEvent.Outcome.DENIED,
                start.peerAddress(), start.id().toString(),
                Map.of("reason", reason, "responseCode", responseCode, "securityMode", start.securityMode())));
    }

    /**
     * A device's sessions newest first, after the session started at {@code before} with id
     * {@code afterId} (both null: from the newest), with their steps.
     */
    @Transactional(readOnly = true)
    public List<BootstrapSessionRecord> pageForDevice(long deviceId, Instant before, UUID afterId, int limit) {
        writer.flush(); // sessions this replica has queued are part of the answer
        List<BootstrapSessionRecord> records = before == null
                ? sessions.pageForDevice(deviceId, PAGE_START, new UUID(0, 0), Limit.of(limit))
                : sessions.pageForDevice(deviceId, before, afterId, Limit.of(limit));
        records.forEach(r -> r.steps().size()); // load the steps inside the transaction
        return records;
    }
}
