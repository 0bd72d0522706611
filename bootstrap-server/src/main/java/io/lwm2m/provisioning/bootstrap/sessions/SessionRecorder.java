package io.lwm2m.provisioning.bootstrap.sessions;

import io.lwm2m.provisioning.audit.AuditEvent;
import io.lwm2m.provisioning.audit.AuditSink;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.springframework.data.domain.Limit;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Transactional;

/**
 * Writes the session history: one insert when a session starts, one transaction when it ends
 * (the row's outcome and all its steps, batched), whatever the number of steps.
 */
@Component
public class SessionRecorder {

    private final BootstrapSessionRepository sessions;
    private final AuditSink audit;

    SessionRecorder(BootstrapSessionRepository sessions, AuditSink audit) {
        this.sessions = sessions;
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

    /** Records how a session ended; a session already superseded in the database keeps that outcome. */
    @Transactional
    public void finish(UUID id, SessionOutcome outcome, String reason, String lwm2mVersion, List<SessionStep> steps,
            Instant endedAt) {
        sessions.findById(id).ifPresent(session -> {
            if (session.outcome() == SessionOutcome.RUNNING) {
                session.end(outcome, reason, lwm2mVersion, steps, endedAt);
            } else {
                session.addSteps(steps);
            }
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

    @Transactional(readOnly = true)
    public List<BootstrapSessionRecord> forDevice(long deviceId, int limit) {
        List<BootstrapSessionRecord> records = sessions.findByDeviceIdOrderByStartedAtDesc(deviceId, Limit.of(limit));
        records.forEach(r -> r.steps().size()); // load the steps inside the transaction
        return records;
    }
}
