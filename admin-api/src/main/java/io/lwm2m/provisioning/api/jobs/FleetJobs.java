package io.lwm2m.provisioning.api.jobs;

import io.lwm2m.provisioning.audit.Actor;
import io.lwm2m.provisioning.audit.AuditEvent;
import io.lwm2m.provisioning.audit.AuditSink;
import io.lwm2m.provisioning.bootstrap.devices.DeviceService;
import io.lwm2m.provisioning.bootstrap.devices.SelectedDevice;
import io.lwm2m.provisioning.errors.NotFoundException;
import jakarta.annotation.PreDestroy;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;
import tools.jackson.databind.json.JsonMapper;

/**
 * Bulk rotate and revoke over the devices a selector picks, as a background job. Each device is
 * changed through {@link DeviceService#rotate}/{@link DeviceService#revokeCredentials} (so each
 * credential change keeps its own audit event) in one transaction with the job's progress; the job
 * itself is audited once, when it ends, with its counts.
 */
@Service
public class FleetJobs {

    private static final Logger log = LoggerFactory.getLogger(FleetJobs.class);
    private static final int PAGE = 200;

    /** A job as the API shows it. */
    record Job(UUID id, String action, String selector, String target, String state, long total, long done, long failed,
            String error, Instant createdAt, Instant finishedAt) {
    }

    private final JdbcTemplate jdbc;
    private final DeviceService devices;
    private final AuditSink audit;
    private final TransactionTemplate transactions;
    private final JsonMapper json;
    private final Clock clock;
    private final Duration lease;
    private final String node = UUID.randomUUID().toString();
    private final JobWorkers workers = new JobWorkers("fleet-worker", 1, this::claim, this::run);

    FleetJobs(JdbcTemplate jdbc, DeviceService devices, AuditSink audit, TransactionTemplate transactions, JsonMapper json,
            Clock clock, @Value("${provisioning.imports.lease:30s}") Duration lease) {
        this.jdbc = jdbc;
        this.devices = devices;
        this.audit = audit;
        this.transactions = transactions;
        this.json = json;
        this.clock = clock;
        this.lease = lease;
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
        wake();
        return load(id);
    }

    Job load(UUID id) {
        List<Job> found = jdbc.query("""
                SELECT id, action, selector, state, devices_total, devices_done, devices_failed, error, created_at, finished_at
                FROM fleet_jobs WHERE id = ?""", (rs, i) -> {
                    var spec = json.readTree(rs.getString(3));
                    Timestamp finished = rs.getTimestamp(10);
                    return new Job(rs.getObject(1, UUID.class), rs.getString(2).toLowerCase(), spec.get("selector").toString(),
                            spec.get("target").asString(), rs.getString(4), rs.getLong(5), rs.getLong(6), rs.getLong(7),
                            rs.getString(8), rs.getTimestamp(9).toInstant(), finished == null ? null : finished.toInstant());
                }, id);
        if (found.isEmpty()) {
            throw new NotFoundException("no fleet action " + id);
        }
        return found.get(0);
    }

    @EventListener(ApplicationReadyEvent.class)
    void resumeAfterStart() {
        wake();
    }

    @Scheduled(fixedDelayString = "${provisioning.imports.poll-interval:5s}")
    void poll() {
        wake();
    }

    void wake() {
        workers.wake();
    }

    private UUID claim() {
        List<UUID> claimed = jdbc.queryForList("""
                UPDATE fleet_jobs SET state = 'RUNNING', lease_owner = ?, lease_until = now() + ?::interval
                WHERE id = (SELECT id FROM fleet_jobs WHERE state IN ('QUEUED', 'RUNNING')
                              AND (lease_until IS NULL OR lease_until < now())
                            ORDER BY created_at LIMIT 1 FOR UPDATE SKIP LOCKED)
                RETURNING id""", UUID.class, node, lease.toMillis() + " milliseconds");
        return claimed.isEmpty() ? null : claimed.get(0);
    }

    private void run(UUID id) {
        Map<String, Object> row = jdbc.queryForMap("SELECT * FROM fleet_jobs WHERE id = ?", id);
        var spec = json.readTree((String) row.get("selector"));
        String profile = spec.get("selector").path("profile").asString(null);
        String label = spec.get("selector").path("label").asString(null);
        String target = spec.get("target").asString();
        int reason = spec.get("reason").asInt();
        boolean rotate = "ROTATE".equals(row.get("action"));
        Actor actor = new Actor((String) row.get("created_by"), (String) row.get("created_by_role"),
                (String) row.get("source_address"), (String) row.get("request_id"));
        long after = (Long) row.get("last_device_id");
        try {
            while (!workers.stopping()) {
                List<SelectedDevice> page = devices.select(profile, label, after, PAGE);
                if (page.isEmpty()) {
                    finish(id, "SUCCEEDED", null);
                    return;
                }
                for (SelectedDevice device : page) {
                    if (workers.stopping()) {
                        break;
                    }
                    if (!apply(id, device, rotate, target, reason, actor)) {
                        return;
                    }
                    after = device.id();
                }
            }
            jdbc.update("UPDATE fleet_jobs SET lease_until = NULL WHERE id = ? AND lease_owner = ?", id, node);
        } catch (RuntimeException e) {
            log.error("Fleet action {} failed", id, e);
            finish(id, "FAILED", "the server failed while running the action; the devices counted were done");
        }
    }

    /** One device: its change and the job's progress in one transaction; a refused change counts as failed. False if the lease is lost. */
    private boolean apply(UUID id, SelectedDevice device, boolean rotate, String target, int reason, Actor actor) {
        try {
            Boolean held = transactions.execute(status -> {
                change(device.endpoint(), rotate, target, reason, actor);
                return progress(id, device.id(), true);
            });
            return Boolean.TRUE.equals(held);
        } catch (RuntimeException e) {
            log.info("Fleet action {}: {} skipped: {}", id, device.endpoint(), e.getMessage());
            return Boolean.TRUE.equals(transactions.execute(status -> progress(id, device.id(), false)));
        }
    }

    private void change(String endpoint, boolean rotate, String target, int reason, Actor actor) {
        if (!rotate) {
            if (target.equals("servers")) {
                for (String server : devices.serverNames(endpoint)) {
                    devices.revokeCredentials(endpoint, "server", server, reason, actor);
                }
            } else {
                devices.revokeCredentials(endpoint, target, null, reason, actor);
            }
            return;
        }
        if (target.equals("bootstrap")) {
            devices.rotate(endpoint, "bootstrap", null, actor);
        } else {
            for (String server : devices.serverNames(endpoint)) {
                devices.rotate(endpoint, "server", server, actor);
            }
        }
    }

    private boolean progress(UUID id, long deviceId, boolean done) {
        return jdbc.update("""
                UPDATE fleet_jobs SET last_device_id = ?, devices_done = devices_done + ?, devices_failed = devices_failed + ?,
                       lease_until = now() + ?::interval
                WHERE id = ? AND lease_owner = ? AND state = 'RUNNING'""",
                deviceId, done ? 1 : 0, done ? 0 : 1, lease.toMillis() + " milliseconds", id, node) == 1;
    }

    private void finish(UUID id, String state, String error) {
        transactions.executeWithoutResult(status -> {
            jdbc.update("""
                    UPDATE fleet_jobs SET state = ?, error = ?, finished_at = ?, lease_owner = NULL, lease_until = NULL WHERE id = ?""",
                    state, error, Timestamp.from(clock.instant()), id);
            Job job = load(id);
            Map<String, Object> row = jdbc.queryForMap("SELECT created_by, created_by_role, source_address, request_id FROM fleet_jobs WHERE id = ?", id);
            Actor actor = new Actor((String) row.get("created_by"), (String) row.get("created_by_role"),
                    (String) row.get("source_address"), (String) row.get("request_id"));
            audit.record(actor.event("fleet." + job.action(), "fleet-action:" + id,
                    "SUCCEEDED".equals(state) ? AuditEvent.Outcome.SUCCESS : AuditEvent.Outcome.FAILURE,
                    Map.of("selector", job.selector(), "target", job.target(), "devices", Long.toString(job.total()),
                            "done", Long.toString(job.done()), "failed", Long.toString(job.failed()))));
        });
    }

    @PreDestroy
    void stop() throws InterruptedException {
        workers.stop();
    }
}
