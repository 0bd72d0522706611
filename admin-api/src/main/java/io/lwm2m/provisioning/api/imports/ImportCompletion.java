package io.lwm2m.provisioning.api.imports;

import io.lwm2m.provisioning.audit.Actor;
import io.lwm2m.provisioning.audit.AuditEvent;
import io.lwm2m.provisioning.audit.AuditSink;
import io.lwm2m.provisioning.events.Event;
import io.lwm2m.provisioning.events.EventSink;
import io.lwm2m.provisioning.events.EventTypes;
import io.lwm2m.provisioning.errors.ConflictException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * How an import job ends: SUCCEEDED (its secrets file ready for a while), FAILED, or CANCELLED by a
 * person (the rows committed before stay, with their secrets); its upload deleted and the end audited.
 */
@Component
public class ImportCompletion {

    private static final Logger log = LoggerFactory.getLogger(ImportCompletion.class);

    private final JdbcTemplate jdbc;
    private final TransactionTemplate transactions;
    private final ImportJobs jobs;
    private final ImportSpool spool;
    private final AuditSink audit;
    private final EventSink events;
    private final Clock clock;
    private final Duration secretsTtl;

    ImportCompletion(JdbcTemplate jdbc, TransactionTemplate transactions, ImportJobs jobs, ImportSpool spool, AuditSink audit,
            EventSink events, Clock clock, ImportSettings settings) {
        this.jdbc = jdbc;
        this.transactions = transactions;
        this.jobs = jobs;
        this.spool = spool;
        this.audit = audit;
        this.events = events;
        this.clock = clock;
        this.secretsTtl = settings.secretsTtl();
    }

    void succeeded(ImportJob started) {
        transactions.executeWithoutResult(status -> {
            int ended = end(started.id(), "SUCCEEDED");
            spool.delete(started.id());
            if (ended == 0) {
                return; // cancelled after its last batch: the cancellation was audited
            }
            ImportJob job = jobs.load(started.id());
            audit.record(job.actor().event("import.run", "import:" + job.id(), AuditEvent.Outcome.SUCCESS, details(job)));
            events.publish(finished(job, "SUCCEEDED"));
            log.info("Import job {} done: {}", job.id(), ImportJobs.counts(job));
        });
    }

    void failed(UUID id) {
        try {
            transactions.executeWithoutResult(status -> {
                jdbc.update("""
                        UPDATE import_jobs SET state = 'FAILED', finished_at = ?, lease_owner = NULL, lease_until = NULL,
                               error = 'the server failed while importing; the rows counted were committed, the rest were not read'
                        WHERE id = ? AND state = 'RUNNING'""", Timestamp.from(clock.instant()), id);
                spool.delete(id);
                ImportJob job = jobs.load(id);
                audit.record(job.actor().event("import.run", "import:" + id, AuditEvent.Outcome.FAILURE, details(job)));
                events.publish(finished(job, "FAILED"));
            });
        } catch (RuntimeException e) {
            log.error("Could not mark import job {} as failed; it resumes when its lease runs out", id, e);
        }
    }

    /** The job's {@code import.finished} event, in its own stream. */
    private static Event finished(ImportJob job, String state) {
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("import", job.id().toString());
        data.put("state", state);
        data.put("format", job.format());
        data.put("dryRun", job.dryRun());
        data.put("rows", job.rowsTotal());
        data.put("created", job.created());
        data.put("existsIdentical", job.identical());
        data.put("conflict", job.conflict());
        data.put("invalid", job.invalid());
        data.put("createdBy", job.actor().name());
        return new Event(EventTypes.IMPORT_FINISHED, job.id().toString(), "import:" + job.id(), null, data);
    }

    /**
     * Cancels a queued or running job: no further batch commits (one committing now finishes first,
     * and counts), the rows committed stay, and their generated secrets can be downloaded as after
     * any other end. 409 for a job that has already ended.
     */
    public ImportJob cancel(UUID id, Actor actor) {
        return transactions.execute(status -> {
            jobs.load(id); // 404 for an unknown job
            // Waits for a batch committing now; a cancelled job's next batch then finds it no longer RUNNING.
            String state = jdbc.queryForObject("SELECT state FROM import_jobs WHERE id = ? FOR UPDATE", String.class, id);
            if (!"QUEUED".equals(state) && !"RUNNING".equals(state)) {
                throw new ConflictException("state", "import job " + id + " has already ended (" + state + "); nothing to cancel");
            }
            end(id, "CANCELLED");
            if ("QUEUED".equals(state)) {
                spool.delete(id); // a running job's runner deletes it once it sees the cancellation
            }
            ImportJob cancelled = jobs.load(id);
            Map<String, String> details = new java.util.HashMap<>(details(cancelled));
            details.put("state", state);
            audit.record(actor.event("import.cancel", "import:" + id, AuditEvent.Outcome.SUCCESS, details));
            events.publish(finished(cancelled, "CANCELLED"));
            log.info("Import job {} cancelled by {} at line {}", id, actor.name(), cancelled.nextLine());
            return cancelled;
        });
    }

    /** Whether the job was cancelled while it ran; if so its upload is deleted. */
    boolean cancelled(UUID id) {
        if (!"CANCELLED".equals(jobs.load(id).state())) {
            return false;
        }
        spool.delete(id);
        return true;
    }

    /** Ends a job still QUEUED or RUNNING in {@code state}, its secrets file ready if it has one; 0 if it had ended already. */
    private int end(UUID id, String state) {
        boolean secrets = Boolean.TRUE.equals(jdbc.queryForObject(
                "SELECT EXISTS (SELECT 1 FROM import_results WHERE job_id = ? AND secrets_ciphertext IS NOT NULL)", Boolean.class, id));
        return jdbc.update("""
                UPDATE import_jobs SET state = ?, finished_at = ?, lease_owner = NULL, lease_until = NULL,
                       secrets_state = ?, secrets_expire_at = ?
                WHERE id = ? AND state IN ('QUEUED', 'RUNNING')""", state, Timestamp.from(clock.instant()),
                secrets ? "AVAILABLE" : "NONE", secrets ? Timestamp.from(clock.instant().plus(secretsTtl)) : null, id);
    }

    private static Map<String, String> details(ImportJob job) {
        return Map.of("format", job.format(), "dryRun", Boolean.toString(job.dryRun()),
                "rows", Long.toString(job.rowsTotal()), "created", Long.toString(job.created()),
                "existsIdentical", Long.toString(job.identical()), "conflict", Long.toString(job.conflict()),
                "invalid", Long.toString(job.invalid()));
    }
}
