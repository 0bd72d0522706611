package io.lwm2m.provisioning.api.jobs;

import io.lwm2m.provisioning.logging.ThrottledLog;
import io.lwm2m.provisioning.threads.WorkerPools.WorkerPool;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.Semaphore;
import java.util.function.Consumer;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * One kind of background job ({@code T}: an import, a fleet action) kept in a PostgreSQL table under
 * a lease. A woken worker claims jobs one after another until none is left: a job QUEUED, or
 * RUNNING on a replica whose lease ran out (it died), so any replica picks up queued work and
 * resumes a dead one's. At most {@code threads} jobs of the kind run at once here. Created by
 * {@link JobQueues}, which wakes every queue at start and at each poll.
 *
 * <p>While it runs, a job keeps its lease by writing {@code lease_until = now() + }{@link #leaseInterval()}
 * in every progress update guarded by {@code lease_owner = }{@link #owner()}: an update that
 * matches no row means another replica took the job over.
 *
 * @param <T> the job as its runner sees it, loaded once it is claimed
 */
public final class JobQueue<T> {

    private static final Logger log = LoggerFactory.getLogger(JobQueue.class);

    private final String name;
    private final String table;
    private final String claimSql;
    private final JdbcTemplate jdbc;
    private final String owner;
    private final Duration lease;
    private final WorkerPool pool;
    private final Semaphore idle;
    private final Function<UUID, T> load;
    private final Consumer<T> run;
    private final ThrottledLog failures = new ThrottledLog(log, Duration.ofSeconds(30));

    JobQueue(JobKind kind, JdbcTemplate jdbc, String owner, Duration lease, WorkerPool pool, Function<UUID, T> load,
            Consumer<T> run) {
        this.name = kind.name();
        this.table = kind.table();
        this.claimSql = """
                UPDATE %1$s SET state = 'RUNNING', lease_owner = ?, lease_until = now() + ?::interval%2$s
                WHERE id = (SELECT id FROM %1$s WHERE state IN ('QUEUED', 'RUNNING')
                              AND (lease_until IS NULL OR lease_until < now())
                            ORDER BY created_at LIMIT 1 FOR UPDATE SKIP LOCKED)
                RETURNING id""".formatted(kind.table(), kind.setOnClaim().isEmpty() ? "" : ", " + kind.setOnClaim());
        this.jdbc = jdbc;
        this.owner = owner;
        this.lease = lease;
        this.pool = pool;
        this.idle = new Semaphore(kind.threads());
        this.load = load;
        this.run = run;
    }

    /**
     * What a kind of job needs of its queue.
     *
     * @param name       names the worker threads ({@code name-1}) and the log lines
     * @param table      the jobs' table: {@code id}, {@code state}, {@code lease_owner}, {@code lease_until}, {@code created_at}
     * @param setOnClaim more {@code column = value} assignments a claim makes (empty for none)
     * @param threads    how many jobs of this kind run at once on this replica
     */
    public record JobKind(String name, String table, String setOnClaim, int threads) {
    }

    /** Starts a worker if one is idle; it runs jobs until none is left to claim. */
    public void wake() {
        if (pool.stopping() || !idle.tryAcquire()) {
            return;
        }
        try {
            pool.execute(this::drain);
        } catch (RejectedExecutionException e) {
            idle.release(); // the application began to stop meanwhile
        }
    }

    private void drain() {
        try {
            UUID id;
            while (!pool.stopping() && (id = claim()) != null) {
                run.accept(load.apply(id));
            }
        } catch (RuntimeException e) {
            // The database gone, for one: the poll tries again; one line at most every 30 s.
            failures.warn(name + " failed; the next poll tries again", e);
        } finally {
            idle.release();
        }
    }

    private UUID claim() {
        List<UUID> claimed = jdbc.queryForList(claimSql, UUID.class, owner, leaseInterval());
        return claimed.isEmpty() ? null : claimed.get(0);
    }

    /** Whether the application is stopping: a running job ends at its next commit and resumes at the next start. */
    public boolean stopping() {
        return pool.stopping();
    }

    /** This replica's name in {@code lease_owner}. */
    public String owner() {
        return owner;
    }

    /** The lease as a PostgreSQL interval, for {@code now() + ?::interval}. */
    public String leaseInterval() {
        return lease.toMillis() + " milliseconds";
    }

    /** Gives a job back without finishing it (the application stops): the next start resumes it at once. */
    public void release(UUID id) {
        jdbc.update("UPDATE " + table + " SET lease_until = NULL WHERE id = ? AND lease_owner = ?", id, owner);
    }
}
