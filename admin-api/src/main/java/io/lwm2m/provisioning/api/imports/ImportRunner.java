package io.lwm2m.provisioning.api.imports;

import io.lwm2m.provisioning.api.jobs.JobQueue;
import io.lwm2m.provisioning.api.jobs.JobQueues;
import io.lwm2m.provisioning.threads.WorkerPools;
import io.lwm2m.provisioning.threads.WorkerPools.WorkerPool;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * Runs import jobs in the background, batch by batch ({@link BatchPreparer} reads and prepares,
 * {@link BatchCommitter} commits, each batch in one transaction). A crash leaves whole batches only,
 * and the job resumes at its last committed position (on this replica at its next start, or on
 * another once the lease runs out).
 */
@Component
class ImportRunner {

    private static final Logger log = LoggerFactory.getLogger(ImportRunner.class);

    private final BatchPreparer preparer;
    private final BatchCommitter committer;
    private final ImportCompletion completion;
    private final WorkerPools pools;
    /** Batches of one job written at once, each on its own connection (decision 017). */
    private final int parallelBatches;
    private final JobQueue<ImportJob> queue;

    ImportRunner(ImportJobs jobs, BatchPreparer preparer, BatchCommitter committer, ImportCompletion completion,
            JobQueues queues, WorkerPools pools, ImportSettings settings) {
        this.preparer = preparer;
        this.committer = committer;
        this.completion = completion;
        this.pools = pools;
        this.parallelBatches = settings.parallelBatches();
        this.queue = queues.create(new JobQueue.JobKind("import-worker", "import_jobs",
                "started_at = coalesce(started_at, now())", settings.workers()), jobs::load, this::run);
        jobs.onQueued(queue::wake);
    }

    /** How the pipeline of one job run stopped. */
    private record Ending(List<BatchCommitter.InFlight> open, Throwable preparing, boolean complete) {
    }

    private void run(ImportJob job) {
        log.info("Import job {} {} at line {} ({} of {} bytes)", job.id(), job.rowsTotal() > 0 ? "resumes" : "starts",
                job.nextLine(), job.nextOffset(), job.uploadBytes());
        Ending ending = pipeline(job);
        // What is in flight ends either way (committed or rolled back); then the job's state is decided.
        List<BatchCommitter.Outcome> outcomes = ending.open().stream().map(b -> b.ended.join()).toList();
        Throwable failure = ending.preparing() != null ? ending.preparing()
                : ending.open().stream().map(b -> b.failure).filter(Objects::nonNull).findFirst().orElse(null);
        if (failure != null) {
            log.error("Import job {} failed", job.id(), failure);
            completion.failed(job.id());
        } else if (outcomes.contains(BatchCommitter.Outcome.LEASE_LOST) || outcomes.contains(BatchCommitter.Outcome.ABANDONED)) {
            if (!completion.cancelled(job.id())) {
                log.warn("Import job {} lost its lease; another replica continues it", job.id());
            }
        } else if (ending.complete()) {
            completion.succeeded(job);
        } else {
            queue.release(job.id());
            log.info("Import job {} paused by shutdown; it resumes at the next start", job.id());
        }
    }

    /**
     * Runs a job as a pipeline, so that the JVM's work and PostgreSQL's overlap and PostgreSQL
     * works on {@code parallelBatches} batches at once: a preparing thread reads, parses and
     * generates the next batch while committers write the ones before it (decision 017). At most
     * one prepared batch waits and {@code parallelBatches} are in flight: the heap does not grow
     * with the file. Returns once the upload is done, a batch failed or the application stops.
     */
    private Ending pipeline(ImportJob job) {
        String tag = job.id().toString().substring(0, 8);
        BlockingQueue<Preparation> ready = new ArrayBlockingQueue<>(1);
        WorkerPool preparing = pools.forTask("import-prepare-" + tag, 1);
        WorkerPool committers = pools.forTask("import-commit-" + tag, parallelBatches);
        preparing.execute(() -> preparer.prepareAll(job, ready));
        Semaphore slots = new Semaphore(parallelBatches);
        List<BatchCommitter.InFlight> open = new ArrayList<>();
        BatchCommitter.InFlight latest = null;
        try {
            while (!queue.stopping() && open.stream().noneMatch(BatchCommitter.InFlight::endedUnsuccessfully)) {
                open.removeIf(b -> b.ended.isDone() && b.ended.join() == BatchCommitter.Outcome.COMMITTED);
                Preparation next = ready.poll(200, TimeUnit.MILLISECONDS);
                if (next instanceof Preparation.EndOfUpload) {
                    return new Ending(open, null, true);
                }
                if (next instanceof Preparation.Failed failed) {
                    return new Ending(open, failed.cause(), false);
                }
                if (next instanceof Preparation.Batch prepared) {
                    while (!slots.tryAcquire(200, TimeUnit.MILLISECONDS)) {
                        // all committers busy; the loop condition sees a stop or a failure at the next batch
                    }
                    BatchCommitter.InFlight batch = new BatchCommitter.InFlight(prepared, latest, job.nextResultSeq());
                    open.add(batch);
                    latest = batch;
                    committers.execute(() -> {
                        try {
                            committer.commitInOrder(job, batch, queue);
                        } finally {
                            slots.release();
                        }
                    });
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            preparing.closeNow();
            committers.close();
        }
        return new Ending(open, null, false);
    }
}
