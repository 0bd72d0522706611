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
     * Records how a session ended: one statement that updates the session row with its outcome and
     * its steps (unless it was superseded meanwhile, which keeps that outcome). Queued for the group
     * commit, after the session's start.
     */
    public void finish(UUID id, Long deviceId, SessionOutcome outcome, String reason, String lwm2mVersion,
            List<SessionStep> steps, Instant endedAt) {
        String stepsJson = SessionStep.toJson(steps);
        writer.submit("the end of bootstrap session " + id, FINISH, deviceId, (statement, connection) -> {
            statement.setString(1, outcome.name());
            statement.setString(2, BootstrapSessionRecord.truncate(reason));
            statement.setString(3, lwm2mVersion);
            statement.setTimestamp(4, Timestamp.from(endedAt));
            statement.setString(5, stepsJson);
            statement.setObject(6, id);
        });
    }

    private static final String FINISH = """
            UPDATE bootstrap_sessions SET outcome = ?, reason = ?, lwm2m_version = ?, ended_at = ?, steps = ?
            WHERE id = ? AND outcome = 'RUNNING'""";

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
        return records;
    }
}
