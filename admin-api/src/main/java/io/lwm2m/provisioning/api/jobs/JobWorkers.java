package io.lwm2m.provisioning.api.jobs;

import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Worker threads for jobs kept in PostgreSQL under a lease (imports, fleet actions): a woken worker
 * claims jobs one after another until none is left, so any replica can pick up queued work or a
 * job whose replica died; at most {@code threads} run at once here.
 */
public final class JobWorkers {

    private static final Logger log = LoggerFactory.getLogger(JobWorkers.class);
    private final io.lwm2m.provisioning.logging.ThrottledLog failures =
            new io.lwm2m.provisioning.logging.ThrottledLog(log, java.time.Duration.ofSeconds(30));

    private final String name;
    private final Supplier<UUID> claim;
    private final Consumer<UUID> run;
    private final ExecutorService pool;
    private final Semaphore idle;
    private volatile boolean stopping;

    /**
     * @param claim the next job this replica takes (its lease set), or null when there is none
     * @param run   runs one claimed job; it should return soon after {@link #stopping()} turns true
     */
    public JobWorkers(String name, int threads, Supplier<UUID> claim, Consumer<UUID> run) {
        this.name = name;
        this.claim = claim;
        this.run = run;
        AtomicInteger count = new AtomicInteger();
        this.pool = Executors.newFixedThreadPool(threads, r -> {
            Thread t = new Thread(r, name + "-" + count.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        this.idle = new Semaphore(threads);
    }

    /** Starts a worker if one is idle; it runs jobs until none is left to claim. */
    public void wake() {
        if (stopping || !idle.tryAcquire()) {
            return;
        }
        pool.execute(() -> {
            try {
                UUID id;
                while (!stopping && (id = claim.get()) != null) {
                    run.accept(id);
                }
            } catch (RuntimeException e) {
                // The database gone, for one: the poll tries again; one line at most every 30 s.
                failures.warn(name + " failed; the next poll tries again", e);
            } finally {
                idle.release();
            }
        });
    }

    /** Whether the server is stopping: a running job ends at its next commit and resumes at the next start. */
    public boolean stopping() {
        return stopping;
    }

    /** Takes no more jobs and waits up to 20 s for the running ones to reach a commit. */
    public void stop() throws InterruptedException {
        stopping = true;
        pool.shutdown();
        if (!pool.awaitTermination(20, TimeUnit.SECONDS)) {
            pool.shutdownNow();
        }
    }
}
