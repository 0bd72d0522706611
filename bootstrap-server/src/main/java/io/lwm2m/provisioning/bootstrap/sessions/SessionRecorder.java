package io.lwm2m.provisioning.bootstrap.sessions;

import io.lwm2m.provisioning.audit.AuditEvent;
import io.lwm2m.provisioning.audit.AuditSink;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.springframework.data.domain.Limit;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Transactional;

/**
 * Writes the session history: one insert when a session starts, one transaction when it ends
 * (the row's outcome and all its steps, batched), whatever the number of steps.
 */
@Component
public class SessionRecorder {

    /** Later than any session: the keyset start of a device's newest-first history. */
    private static final Instant PAGE_START = Instant.parse("9999-01-01T00:00:00Z");

    private final BootstrapSessionRepository sessions;
    private final JdbcTemplate jdbc;
    private final AuditSink audit;

    SessionRecorder(BootstrapSessionRepository sessions, JdbcTemplate jdbc, AuditSink audit) {
        this.sessions = sessions;
        this.jdbc = jdbc;
        this.audit = audit;
    }

    /**
     * Records a starting session. A session of the same device still running (on any replica) is
     * ended first as superseded: PostgreSQL's unique index allows one running session per device.
     */
    @Transactional
    public void begin(SessionStart start) {
        if (start.deviceId() != null) {
            sessions.supersedeRunning(start.deviceId(), start.startedAt(),
                    "superseded by a new Bootstrap-Request (session " + start.id() + ")");
        }
        sessions.saveAndFlush(new BootstrapSessionRecord(start));
    }

    /**
     * Records how a session ended: one conditional UPDATE and one batched INSERT of the steps, in
     * one transaction, whatever the number of steps. A session already superseded in the database
     * keeps that outcome; its steps are recorded all the same.
     */
    @Transactional
    public void finish(UUID id, SessionOutcome outcome, String reason, String lwm2mVersion, List<SessionStep> steps,
            Instant endedAt) {
        jdbc.update("UPDATE bootstrap_sessions SET outcome = ?, reason = ?, lwm2m_version = ?, ended_at = ? "
                        + "WHERE id = ? AND outcome = 'RUNNING'",
                outcome.name(), BootstrapSessionRecord.truncate(reason), lwm2mVersion, Timestamp.from(endedAt), id);
        jdbc.batchUpdate("INSERT INTO bootstrap_session_steps (session_id, seq, operation, path, response_code, detail, "
                + "sent_at, duration_ms) VALUES (?, ?, ?, ?, ?, ?, ?, ?)", steps, steps.size(), (statement, step) -> {
                    statement.setObject(1, id);
                    statement.setInt(2, steps.indexOf(step));
                    statement.setString(3, step.operation());
                    statement.setString(4, step.path());
                    statement.setString(5, step.responseCode());
                    statement.setString(6, step.detail());
                    statement.setTimestamp(7, Timestamp.from(step.sentAt()));
                    statement.setObject(8, step.durationMs());
                });
    }

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
        List<BootstrapSessionRecord> records = before == null
                ? sessions.pageForDevice(deviceId, PAGE_START, new UUID(0, 0), Limit.of(limit))
                : sessions.pageForDevice(deviceId, before, afterId, Limit.of(limit));
        records.forEach(r -> r.steps().size()); // load the steps inside the transaction
        return records;
    }
}
