package io.lwm2m.provisioning.api.jobs;

import io.lwm2m.provisioning.audit.Actor;
import io.lwm2m.provisioning.audit.AuditEvent;
import io.lwm2m.provisioning.audit.AuditSink;
import io.lwm2m.provisioning.bootstrap.devices.DeviceCredentials;
import io.lwm2m.provisioning.bootstrap.devices.DeviceQueries;
import io.lwm2m.provisioning.bootstrap.devices.SelectedDevice;
import io.lwm2m.provisioning.errors.NotFoundException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;
import tools.jackson.databind.json.JsonMapper;

/**
 * Bulk rotate and revoke over the devices a selector picks, as a background job. Each device is
 * changed through {@link DeviceCredentials} (so each credential change keeps its own audit event)
 * in one transaction with the job's progress; the job itself is audited once, when it ends, with
 * its counts.
 */
@Service
public class FleetJobs {

    private static final Logger log = LoggerFactory.getLogger(FleetJobs.class);
    private static final int PAGE = 200;

    /** A job as the API shows it; {@code percent} of its devices gone through (done or failed), 100 once it has ended. */
    public record Job(UUID id, String action, String selector, String target, String state, long total, long done, long failed,
            int percent, String error, Instant createdAt, Instant finishedAt) {
    }

    /** A claimed job as it runs: what to do to which devices, on whose behalf, from which device on. */
    record Run(UUID id, boolean rotate, String profile, String label, String target, int reason, Actor actor, long after) {
    }

    private final JdbcTemplate jdbc;
    private final DeviceQueries devices;
    private final DeviceCredentials credentials;
    private final AuditSink audit;
    private final TransactionTemplate transactions;
    private final JsonMapper json;
    private final Clock clock;
    private final JobQueue<Run> queue;

    FleetJobs(JdbcTemplate jdbc, DeviceQueries devices, DeviceCredentials credentials, AuditSink audit,
            TransactionTemplate transactions, JsonMapper json, Clock clock, JobQueues queues) {
        this.jdbc = jdbc;
        this.devices = devices;
        this.credentials = credentials;
        this.audit = audit;
        this.transactions = transactions;
        this.json = json;
        this.clock = clock;
        this.queue = queues.create(new JobQueue.JobKind("fleet-worker", "fleet_jobs", "", 1), this::claimed, this::run);
    }

    public static List<String> states() {
        return List.of("QUEUED", "RUNNING", "SUCCEEDED", "FAILED");
    }

    long count(FleetActionRequest request) {
        return devices.countSelected(request.selector().profile(), request.selector().label());
    }

    Job create(FleetActionRequest request, Actor actor) {
        UUID id = UUID.randomUUID();
        long total = count(request);
        String spec = json.writeValueAsString(Map.of("selector", request.selector(), "target", request.target(),
                "reason", request.reason()));
        jdbc.update("""
                INSERT INTO fleet_jobs (id, action, selector, state, created_by, created_by_role, devices_total, source_address,
                                        request_id, created_at) VALUES (?, ?, ?, 'QUEUED', ?, ?, ?, ?, ?, ?)""",
                id, request.action().toUpperCase(), spec, actor.name(), actor.role(), total, actor.sourceAddress(),
                actor.requestId(), Timestamp.from(clock.instant()));
        queue.wake();
        return load(id);
    }

    public Job load(UUID id) {
        List<Job> found = jdbc.query("SELECT " + JOB_COLUMNS + " FROM fleet_jobs WHERE id = ?", this::job, id);
        if (found.isEmpty()) {
            throw new NotFoundException("no fleet action " + id);
        }
        return found.get(0);
    }

    /** A page of fleet actions, newest first, optionally in one state, after the action {@code after} (null: the newest). */
    public List<Job> list(String state, Job after, int limit) {
        StringBuilder sql = new StringBuilder("SELECT " + JOB_COLUMNS + " FROM fleet_jobs WHERE true");
        List<Object> args = new java.util.ArrayList<>();
        if (state != null) {
            sql.append(" AND state = ?");
            args.add(state);
        }
        if (after != null) {
            sql.append(" AND (created_at, id) < (?, ?)");
            args.add(Timestamp.from(after.createdAt()));
            args.add(after.id());
        }
        sql.append(" ORDER BY created_at DESC, id DESC LIMIT ?");
        args.add(limit);
        return jdbc.query(sql.toString(), this::job, args.toArray());
    }

    private static final String JOB_COLUMNS =
            "id, action, selector, state, devices_total, devices_done, devices_failed, error, created_at, finished_at";

    private Job job(java.sql.ResultSet rs, int row) throws java.sql.SQLException {
        var spec = json.readTree(rs.getString(3));
        Timestamp finished = rs.getTimestamp(10);
        String state = rs.getString(4);
        long total = rs.getLong(5);
        long through = rs.getLong(6) + rs.getLong(7);
        int percent = finished != null ? 100 : total == 0 ? 0 : (int) Math.min(99, through * 100 / total);
        return new Job(rs.getObject(1, UUID.class), rs.getString(2).toLowerCase(), spec.get("selector").toString(),
                spec.get("target").asString(), state, total, rs.getLong(6), rs.getLong(7), percent, rs.getString(8),
                rs.getTimestamp(9).toInstant(), finished == null ? null : finished.toInstant());
    }

    private Run claimed(UUID id) {
        Map<String, Object> row = jdbc.queryForMap("SELECT * FROM fleet_jobs WHERE id = ?", id);
        var spec = json.readTree((String) row.get("selector"));
        return new Run(id, "ROTATE".equals(row.get("action")), spec.get("selector").path("profile").asString(null),
                spec.get("selector").path("label").asString(null), spec.get("target").asString(), spec.get("reason").asInt(),
                actor(row), (Long) row.get("last_device_id"));
    }

    private static Actor actor(Map<String, Object> row) {
        return new Actor((String) row.get("created_by"), (String) row.get("created_by_role"),
                (String) row.get("source_address"), (String) row.get("request_id"));
    }

    private void run(Run job) {
        long after = job.after();
        try {
            while (!queue.stopping()) {
                List<SelectedDevice> page = devices.select(job.profile(), job.label(), after, PAGE);
                if (page.isEmpty()) {
                    finish(job.id(), "SUCCEEDED", null);
                    return;
                }
                for (SelectedDevice device : page) {
                    if (queue.stopping()) {
                        break;
                    }
                    if (!apply(job, device)) {
                        return;
                    }
                    after = device.id();
                }
            }
            queue.release(job.id());
        } catch (RuntimeException e) {
            log.error("Fleet action {} failed", job.id(), e);
            finish(job.id(), "FAILED", "the server failed while running the action; the devices counted were done");
        }
    }

    /** One device: its change and the job's progress in one transaction; a refused change counts as failed. False if the lease is lost. */
    private boolean apply(Run job, SelectedDevice device) {
        try {
            Boolean held = transactions.execute(status -> {
                change(job, device.endpoint());
                return progress(job.id(), device.id(), true);
            });
            return Boolean.TRUE.equals(held);
        } catch (RuntimeException e) {
            log.info("Fleet action {}: {} skipped: {}", job.id(), device.endpoint(), e.getMessage());
            return Boolean.TRUE.equals(transactions.execute(status -> progress(job.id(), device.id(), false)));
        }
    }

    private void change(Run job, String endpoint) {
        if (!job.rotate()) {
            if (job.target().equals("servers")) {
                for (String server : devices.serverNames(endpoint)) {
                    credentials.revoke(endpoint, "server", server, job.reason(), job.actor());
                }
            } else {
                credentials.revoke(endpoint, job.target(), null, job.reason(), job.actor());
            }
            return;
        }
        if (job.target().equals("bootstrap")) {
            credentials.rotate(endpoint, "bootstrap", null, job.actor());
        } else {
            for (String server : devices.serverNames(endpoint)) {
                credentials.rotate(endpoint, "server", server, job.actor());
            }
        }
    }

    private boolean progress(UUID id, long deviceId, boolean done) {
        return jdbc.update("""
                UPDATE fleet_jobs SET last_device_id = ?, devices_done = devices_done + ?, devices_failed = devices_failed + ?,
                       lease_until = now() + ?::interval
                WHERE id = ? AND lease_owner = ? AND state = 'RUNNING'""",
                deviceId, done ? 1 : 0, done ? 0 : 1, queue.leaseInterval(), id, queue.owner()) == 1;
    }

    private void finish(UUID id, String state, String error) {
        transactions.executeWithoutResult(status -> {
            jdbc.update("""
                    UPDATE fleet_jobs SET state = ?, error = ?, finished_at = ?, lease_owner = NULL, lease_until = NULL WHERE id = ?""",
                    state, error, Timestamp.from(clock.instant()), id);
            Job job = load(id);
            Map<String, Object> row = jdbc.queryForMap("SELECT created_by, created_by_role, source_address, request_id FROM fleet_jobs WHERE id = ?", id);
            audit.record(actor(row).event("fleet." + job.action(), "fleet-action:" + id,
                    "SUCCEEDED".equals(state) ? AuditEvent.Outcome.SUCCESS : AuditEvent.Outcome.FAILURE,
                    Map.of("selector", job.selector(), "target", job.target(), "devices", Long.toString(job.total()),
                            "done", Long.toString(job.done()), "failed", Long.toString(job.failed()))));
        });
    }
}
