package io.lwm2m.provisioning.bootstrap.history;

import io.lwm2m.provisioning.audit.AuditEvent;
import io.lwm2m.provisioning.audit.AuditSink;
import io.lwm2m.provisioning.bootstrap.events.EventOutbox;
import io.lwm2m.provisioning.bootstrap.sessions.BootstrapFailure;
import io.lwm2m.provisioning.bootstrap.sessions.ResponseCode;
import io.lwm2m.provisioning.bootstrap.sessions.SessionEnd;
import io.lwm2m.provisioning.bootstrap.sessions.SessionHistory;
import io.lwm2m.provisioning.bootstrap.sessions.SessionOutcome;
import io.lwm2m.provisioning.bootstrap.sessions.SessionStart;
import io.lwm2m.provisioning.bootstrap.settings.BootstrapSettings;
import io.lwm2m.provisioning.threads.WorkerPools;
import java.sql.Timestamp;
import java.sql.Types;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Queue;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.data.domain.Limit;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Transactional;

/**
 * Writes the session history through the {@link SessionHistoryWriter}'s group commit: the hot path
 * of every bootstrap. A session's start is held back for a moment ({@code
 * provisioning.bootstrap.history-hold}, 100 ms): a session that ends meanwhile, as a PSK bootstrap
 * usually does, is written as one INSERT of the finished row; a longer one gets its RUNNING row when
 * the hold passes and one UPDATE at its end. A finished row never enters the index of running
 * sessions, so PostgreSQL writes one row version and no dead index entries per session (ADR 016).
 */
@Component
public class SessionRecorder implements SessionHistory, DisposableBean {

    private static final Logger log = LoggerFactory.getLogger(SessionRecorder.class);

    /** Later than any session: the keyset start of a device's newest-first history. */
    private static final Instant PAGE_START = Instant.parse("9999-01-01T00:00:00Z");

    private final BootstrapSessionRepository sessions;
    private final SessionHistoryWriter writer;
    private final AuditSink audit;
    private final EventOutbox outbox;

    /** Starts held back, oldest first; the map finds a session's own. */
    private final Queue<HeldStart> heldOrder = new ConcurrentLinkedQueue<>();
    private final ConcurrentMap<UUID, HeldStart> held = new ConcurrentHashMap<>();
    private final long holdNanos;
    private final ScheduledExecutorService releaser;

    SessionRecorder(BootstrapSessionRepository sessions, SessionHistoryWriter writer, AuditSink audit, EventOutbox outbox,
            BootstrapSettings settings, WorkerPools pools) {
        Duration hold = settings.historyHold();
        this.sessions = sessions;
        this.writer = writer;
        this.audit = audit;
        this.outbox = outbox;
        this.holdNanos = Math.max(0, hold.toNanos());
        if (holdNanos > 0) {
            this.releaser = pools.timer("session-history-hold");
            long every = Math.max(1, TimeUnit.NANOSECONDS.toMillis(holdNanos) / 4);
            releaser.scheduleWithFixedDelay(this::releaseExpired, every, every, TimeUnit.MILLISECONDS);
        } else {
            this.releaser = null;
        }
    }

    /**
     * Records a starting session. A session of the same device still running (on any replica) is
     * ended first as superseded: PostgreSQL's unique index allows one running session per device.
     * One statement: the INSERT reads the UPDATE's result, which makes PostgreSQL finish the
     * UPDATE before the index sees the new running row. Held back for the hold, then queued for
     * the group commit, unless the session ended meanwhile (see {@link #finish}).
     */
    @Override
    public void begin(SessionStart start) {
        if (releaser == null) {
            submitBegin(start);
            return;
        }
        HeldStart h = new HeldStart(start, System.nanoTime() + holdNanos);
        held.put(start.id(), h);
        heldOrder.add(h);
    }

    /**
     * Binds {@link #BEGIN}: the superseding of the device's running session (reason, end time,
     * device), then the new row's id, device, endpoint, peer, mode, identity, format, start time
     * and outcome.
     */
    private void submitBegin(SessionStart start) {
        writer.submit("the start of bootstrap session " + start.id(), BEGIN, start.deviceId(), (statement, connection) -> {
            statement.setString(1, supersedingReason(start));
            statement.setTimestamp(2, Timestamp.from(start.startedAt()));
            statement.setObject(3, start.deviceId(), Types.BIGINT);
            statement.setObject(4, start.id());
            statement.setObject(5, start.deviceId(), Types.BIGINT);
            statement.setString(6, start.endpoint());
            statement.setString(7, start.peerAddress());
            statement.setString(8, start.securityMode().name());
            statement.setString(9, start.identity());
            statement.setObject(10, start.contentFormat(), Types.INTEGER);
            statement.setTimestamp(11, Timestamp.from(start.startedAt()));
            statement.setString(12, "RUNNING");
        });
    }

    /** A start waiting out its hold; its state changes under its own lock. */
    private static final class HeldStart {
        final SessionStart start;
        final long releaseAt;
        /** Whether the start is written (released) or folded into the session's end: then nothing more happens to it. */
        boolean done;

        HeldStart(SessionStart start, long releaseAt) {
            this.start = start;
            this.releaseAt = releaseAt;
        }
    }

    /** Queues the starts whose hold has passed. */
    private void releaseExpired() {
        try {
            long now = System.nanoTime();
            HeldStart h;
            while ((h = heldOrder.peek()) != null && now - h.releaseAt >= 0) {
                heldOrder.poll();
                release(h);
            }
        } catch (RuntimeException e) {
            log.error("Releasing held session starts failed", e);
        }
    }

    /** Queues every held start now (readers of the history, shutdown). */
    void releaseAll() {
        HeldStart h;
        while ((h = heldOrder.poll()) != null) {
            release(h);
        }
    }

    private void release(HeldStart h) {
        synchronized (h) {
            if (!h.done) {
                h.done = true;
                // Queued under the lock: an end that finds the start released is queued after it.
                submitBegin(h.start);
            }
        }
        held.remove(h.start.id(), h);
    }

    private static final String BEGIN = """
            WITH superseded AS (
              UPDATE bootstrap_sessions SET outcome = 'FAILED', failure = 'SUPERSEDED', reason = ?, ended_at = ?
              WHERE device_id = ? AND outcome = 'RUNNING' RETURNING 1)
            INSERT INTO bootstrap_sessions (id, device_id, endpoint, peer_address, security_mode, identity,
              content_format, started_at, outcome)
            SELECT ?, ?, ?, ?, ?, ?, ?, ?, ? FROM (SELECT count(*) FROM superseded) s""";

    /**
     * Records how a session ended: one statement that updates the session row with its outcome and
     * its steps (unless it was superseded meanwhile, which keeps that outcome). Queued for the group
     * commit, after the session's start, and followed by the mark of the credentials it delivered:
     * a database outage holds that mark with the row instead of losing it.
     */
    @Override
    public void finish(SessionStart start, SessionEnd end) {
        UUID id = start.id();
        Long deviceId = start.deviceId();
        String stepsJson = StepsJson.toJson(end.steps());
        try {
            submitEnd(id, deviceId, end, stepsJson);
            submitDelivered(id, deviceId, end);
        } finally {
            submitEvent(deviceId, SessionEvents.ended(start, end));
        }
    }

    /** The delivery starts a pending credential's grace period; the first delivery counts, at the session's end. */
    private void submitDelivered(UUID id, Long deviceId, SessionEnd end) {
        if (end.deliveredCredentialIds().isEmpty()) {
            return;
        }
        Long[] ids = end.deliveredCredentialIds().toArray(Long[]::new);
        writer.submit("the credentials delivered by bootstrap session " + id, DELIVERED, deviceId, (statement, connection) -> {
            statement.setTimestamp(1, Timestamp.from(end.endedAt()));
            statement.setArray(2, connection.createArrayOf("int8", ids));
        });
    }

    private void submitEnd(UUID id, Long deviceId, SessionEnd end, String stepsJson) {
        HeldStart h = held.remove(id);
        if (h != null) {
            synchronized (h) {
                if (!h.done) {
                    h.done = true;
                    submitWhole(h.start, end, stepsJson);
                    return;
                }
            }
        }
        writer.submit("the end of bootstrap session " + id, FINISH, deviceId, (statement, connection) -> {
            statement.setString(1, end.outcome().name());
            statement.setString(2, BootstrapSessionRecord.truncate(end.reason()));
            statement.setString(3, end.lwm2mVersion());
            statement.setTimestamp(4, Timestamp.from(end.endedAt()));
            statement.setString(5, stepsJson);
            statement.setObject(6, end.bootstrapAccountInstance(), Types.INTEGER);
            statement.setString(7, end.failure() == null ? null : end.failure().name());
            statement.setObject(8, id);
        });
    }

    /**
     * The session's event, queued after its row for the same group commit, so it commits in the
     * row's transaction; only when a subscription wants it (decision 078).
     */
    private void submitEvent(Long deviceId, io.lwm2m.provisioning.events.Event event) {
        if (deviceId != null && outbox.wanted(event)) {
            writer.submit("the event of " + event.type(), EventOutbox.INSERT, deviceId,
                    (statement, connection) -> outbox.bind(statement, event));
        }
    }

    /**
     * A session that ended within its start's hold: its start and end as one row, superseding as
     * {@link #BEGIN} does. The group commit writes all such rows it has in one {@link #WHOLE}.
     */
    private void submitWhole(SessionStart start, SessionEnd end, String stepsJson) {
        writer.submit("bootstrap session " + start.id(), WHOLE, start.deviceId(), start.id(), start.deviceId(), start.endpoint(),
                start.peerAddress(), start.securityMode().name(), start.identity(), start.contentFormat(),
                Timestamp.from(start.startedAt()), end.outcome().name(), BootstrapSessionRecord.truncate(end.reason()),
                end.lwm2mVersion(), Timestamp.from(end.endedAt()), stepsJson, end.bootstrapAccountInstance(),
                end.failure() == null ? null : end.failure().name(), supersedingReason(start));
    }

    private static String supersedingReason(SessionStart start) {
        return BootstrapSessionRecord.truncate("superseded by a new Bootstrap-Request (session " + start.id() + ")");
    }

    /**
     * Finished sessions, any number of them: each ends its device's running session as superseded
     * ({@link #BEGIN}), the first of a device's sessions in the group by queue order, then all are
     * inserted. Decision 087.
     */
    private static final SessionHistoryWriter.RowsStatement WHOLE = new SessionHistoryWriter.RowsStatement("""
            WITH v AS (
              SELECT * FROM unnest(?::uuid[], ?::bigint[], ?::varchar[], ?::varchar[], ?::varchar[], ?::varchar[], ?::int[],
                                   ?::timestamptz[], ?::varchar[], ?::varchar[], ?::varchar[], ?::timestamptz[], ?::text[], ?::int[],
                                   ?::varchar[], ?::varchar[]) WITH ORDINALITY
                AS v(id, device_id, endpoint, peer_address, security_mode, identity, content_format, started_at, outcome, reason,
                     lwm2m_version, ended_at, steps, bootstrap_account_instance, failure, superseding, n)),
            superseded AS (
              UPDATE bootstrap_sessions b SET outcome = 'FAILED', failure = 'SUPERSEDED', reason = f.superseding, ended_at = f.started_at
              FROM (SELECT DISTINCT ON (device_id) device_id, superseding, started_at FROM v WHERE device_id IS NOT NULL
                    ORDER BY device_id, n) f
              WHERE b.device_id = f.device_id AND b.outcome = 'RUNNING' RETURNING 1)
            INSERT INTO bootstrap_sessions (id, device_id, endpoint, peer_address, security_mode, identity, content_format,
              started_at, outcome, reason, lwm2m_version, ended_at, steps, bootstrap_account_instance, failure)
            SELECT id, device_id, endpoint, peer_address, security_mode, identity, content_format, started_at, outcome, reason,
              lwm2m_version, ended_at, steps, bootstrap_account_instance, failure
            FROM v, (SELECT count(*) FROM superseded) s ORDER BY n""",
            "uuid", "int8", "varchar", "varchar", "varchar", "varchar", "int4", "timestamptz", "varchar", "varchar", "varchar",
            "timestamptz", "text", "int4", "varchar", "varchar");

    private static final String DELIVERED = """
            UPDATE device_credentials SET delivered_at = ? WHERE id = ANY (?) AND delivered_at IS NULL""";

    private static final String FINISH = """
            UPDATE bootstrap_sessions SET outcome = ?, reason = ?, lwm2m_version = ?, ended_at = ?, steps = ?,
              bootstrap_account_instance = ?, failure = ?
            WHERE id = ? AND outcome = 'RUNNING'""";

    /**
     * Where the device's client keeps its bootstrap-server account, as the latest Bootstrap-Discover
     * that showed it said; empty when no session of the device learned it.
     */
    @Override
    @Transactional(readOnly = true)
    public Optional<Integer> learnedBootstrapAccountInstance(long deviceId) {
        writer.flush(); // a session that just ended on this replica counts
        return sessions.learnedBootstrapAccountInstance(deviceId);
    }

    /** Records a Bootstrap-Request that was refused, and audits the refusal with its real reason. */
    @Override
    @Transactional
    public void refuse(SessionStart start, ResponseCode code, BootstrapFailure failure, String reason) {
        BootstrapSessionRecord record = new BootstrapSessionRecord(start);
        record.end(SessionOutcome.FAILED, failure, reason, null, List.of(), start.startedAt());
        sessions.save(record);
        String identity = start.identity() == null ? "unauthenticated" : start.identity();
        audit.record(new AuditEvent("device-identity:" + identity, null, "bootstrap.request",
                "device:" + (start.endpoint() == null ? "?" : start.endpoint()), AuditEvent.Outcome.DENIED,
                start.peerAddress(), start.id().toString(),
                Map.of("reason", reason, "responseCode", code.toString(), "failure", failure.name(),
                        "securityMode", start.securityMode().name())));
        if (start.deviceId() != null) {
            outbox.publish(SessionEvents.refused(start, failure, reason));
        }
    }

    /**
     * A device's sessions newest first, after the session started at {@code before} with id
     * {@code afterId} (both null: from the newest), with their steps.
     */
    @Transactional(readOnly = true)
    public List<BootstrapSessionRecord> pageForDevice(long deviceId, Instant before, UUID afterId, int limit) {
        releaseAll(); // sessions this replica holds or has queued are part of the answer
        writer.flush();
        List<BootstrapSessionRecord> records = before == null
                ? sessions.pageForDevice(deviceId, PAGE_START, new UUID(0, 0), Limit.of(limit))
                : sessions.pageForDevice(deviceId, before, afterId, Limit.of(limit));
        return records;
    }

    @Override
    public void destroy() {
        if (releaser != null) {
            releaser.shutdownNow();
        }
        releaseAll();
    }
}
