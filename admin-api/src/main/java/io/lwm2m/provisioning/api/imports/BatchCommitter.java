package io.lwm2m.provisioning.api.imports;

import io.lwm2m.provisioning.api.jobs.JobQueue;
import io.lwm2m.provisioning.bootstrap.devices.BatchEntry;
import io.lwm2m.provisioning.bootstrap.devices.BatchResult;
import io.lwm2m.provisioning.bootstrap.devices.BulkRegistration;
import io.lwm2m.provisioning.crypto.SealedSecret;
import io.lwm2m.provisioning.crypto.SecretCipher;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;
import org.springframework.transaction.TransactionStatus;
import org.springframework.transaction.support.TransactionTemplate;
import tools.jackson.databind.json.JsonMapper;

/**
 * The writing half of an import's pipeline. Each batch is one transaction: the devices it creates,
 * its per-row results, its sealed secrets, and the job's new position and counts. A crash therefore
 * leaves whole batches only, and the job resumes at its last committed position.
 */
@Component
class BatchCommitter {

    private static final Logger log = LoggerFactory.getLogger(BatchCommitter.class);

    private final JdbcTemplate jdbc;
    private final TransactionTemplate transactions;
    private final BulkRegistration registration;
    private final SecretCipher cipher;
    private final ResultChunks chunks;
    private final ObjectProvider<ImportEvents> events;

    BatchCommitter(JdbcTemplate jdbc, TransactionTemplate transactions, BulkRegistration registration, SecretCipher cipher,
            JsonMapper json, ObjectProvider<ImportEvents> events) {
        this.jdbc = jdbc;
        this.transactions = transactions;
        this.registration = registration;
        this.cipher = cipher;
        this.chunks = new ResultChunks(json);
        this.events = events;
    }

    /** How a batch's commit ended. */
    enum Outcome {
        COMMITTED,
        /** Another replica owns the job now (its lease ran out). */
        LEASE_LOST,
        /** Not committed because the batch before it was not. */
        ABANDONED,
        FAILED
    }

    /**
     * A batch handed to a committer. Batches write in parallel but take their places in the job in
     * file order: a batch updates the job row only after the batch before it has, and PostgreSQL's
     * lock on that row then holds its commit until the one before has committed. So the job's
     * position is always the end of a prefix of committed batches, as with one committer.
     */
    static final class InFlight {
        final Preparation.Batch prepared;
        /** Dropped once this batch has ended, so that a job's batches (secrets included) do not stay reachable in a chain. */
        InFlight previous;
        /** The result chunk number of the first batch; used when there is no previous one. */
        final int firstSeq;
        /** The next result chunk number once this batch has moved the job row; -1 if it never will. */
        final CompletableFuture<Integer> placed = new CompletableFuture<>();
        final CompletableFuture<Outcome> ended = new CompletableFuture<>();
        volatile Throwable failure;

        InFlight(Preparation.Batch prepared, InFlight previous, int firstSeq) {
            this.prepared = prepared;
            this.previous = previous;
            this.firstSeq = firstSeq;
        }

        /** The chunk number this batch's results get, once the batch before it has its place; -1 if that never comes. */
        int awaitSeq() {
            return previous == null ? firstSeq : previous.placed.join();
        }

        boolean previousCommitted() {
            return previous == null || previous.ended.join() == Outcome.COMMITTED;
        }

        boolean endedUnsuccessfully() {
            return ended.isDone() && ended.join() != Outcome.COMMITTED;
        }
    }

    /** Commits {@code batch} in its turn and records how that ended; never throws. */
    void commitInOrder(ImportJob job, InFlight batch, JobQueue<ImportJob> lease) {
        Outcome outcome = Outcome.FAILED;
        try {
            outcome = commit(job, batch, lease);
        } catch (RuntimeException | Error e) {
            batch.failure = e;
        } finally {
            batch.previous = null;
            batch.placed.complete(-1); // unless placed already: the next batch must not wait forever
            batch.ended.complete(outcome);
        }
    }

    /**
     * One batch, one transaction; falls back to one row per transaction if the batch collides with
     * a concurrent write. A batch sharing an endpoint or identity with the batch before it starts
     * after that one's commit, so its per-row results are those of a serial run.
     */
    private Outcome commit(ImportJob job, InFlight batch, JobQueue<ImportJob> lease) {
        Preparation.Batch prepared = batch.prepared;
        if (batch.previous != null && prepared.sharesKeysWith(batch.previous.prepared) && !batch.previousCommitted()) {
            return Outcome.ABANDONED;
        }
        try {
            return transactions.execute(status -> {
                commitWithoutWaitingForTheDisk();
                List<BatchResult> results = new ArrayList<>(prepared.invalid());
                if (!prepared.batch().entries().isEmpty()) {
                    results.addAll(registration.register(prepared.batch()));
                }
                results.sort(Comparator.comparingLong(BatchResult::line));
                ResultChunks.Chunk chunk = chunks.encode(results, prepared.supplied());
                int seq = batch.awaitSeq();
                if (seq < 0) {
                    status.setRollbackOnly();
                    return Outcome.ABANDONED;
                }
                if (!store(status, job, chunk, prepared.last(), seq, lease)) {
                    return Outcome.LEASE_LOST;
                }
                batch.placed.complete(seq + 1);
                return Outcome.COMMITTED;
            });
        } catch (DataIntegrityViolationException e) {
            log.info("Import job {}: a batch collided with a concurrent registration; retrying its rows one by one", job.id());
        }
        if (!batch.previousCommitted()) {
            return Outcome.ABANDONED;
        }
        int next = oneByOne(job, prepared, batch.awaitSeq(), lease);
        if (next < 0) {
            return Outcome.LEASE_LOST;
        }
        batch.placed.complete(next);
        return Outcome.COMMITTED;
    }

    /** A batch's rows, one transaction each, from chunk number {@code seq}; the next chunk number, or -1 if the lease is lost. */
    private int oneByOne(ImportJob job, Preparation.Batch prepared, int seq, JobQueue<ImportJob> lease) {
        Map<Long, BatchResult> invalid = new HashMap<>();
        prepared.invalid().forEach(r -> invalid.put(r.line(), r));
        Map<Long, BatchEntry> entries = new HashMap<>();
        prepared.batch().entries().forEach(e -> entries.put(e.line(), e));
        int subSeq = seq;
        for (RecordReader.Record record : prepared.records()) {
            final int s = subSeq;
            Boolean held;
            try {
                held = transactions.execute(status -> commitWithoutWaitingForTheDisk()
                        && store(status, job, chunks.encode(invalid.containsKey(record.line())
                                ? List.of(invalid.get(record.line()))
                                : registration.register(List.of(entries.get(record.line())), job.dryRun(), job.actor()),
                                prepared.supplied()), record, s, lease));
            } catch (DataIntegrityViolationException e) {
                held = transactions.execute(status -> commitWithoutWaitingForTheDisk()
                        && store(status, job, chunks.encode(List.of(BatchResult.of(record.line(), null, BatchResult.Outcome.CONFLICT,
                                "collided with a concurrent registration of the same endpoint or identity")), Set.of()), record, s, lease));
            }
            if (!Boolean.TRUE.equals(held)) {
                return -1;
            }
            subSeq++;
        }
        return subSeq;
    }

    /**
     * Lets this transaction's commit return before its WAL reaches the disk. Safe for a batch: its
     * rows, results, secrets file and the job's new position commit together, so a database crash
     * that loses the commit loses all of it, and the job redoes the batch from its previous
     * position (the WAL is flushed in order: anything committed durably later, such as the job's
     * end or a device's bootstrap, flushes this batch first). Decision 013. Returns true.
     */
    private boolean commitWithoutWaitingForTheDisk() {
        jdbc.execute("SET LOCAL synchronous_commit = off");
        return true;
    }

    /**
     * Stores a batch's results as chunk {@code seq}, its secrets sealed, and moves the job past it;
     * false, with the transaction marked for rollback, if the lease is lost or the batch before it
     * never took its place.
     */
    private boolean store(TransactionStatus status, ImportJob job, ResultChunks.Chunk chunk, RecordReader.Record last, int seq,
            JobQueue<ImportJob> lease) {
        SealedSecret sealed = seal(chunk.secrets(), job, seq);
        List<BatchResult> results = chunk.results();
        // Waits on the job row's lock until the batch before this one has committed; the chunk
        // number it leaves says whether it did (and whether this replica still holds the lease).
        List<Integer> moved = jdbc.queryForList("""
                UPDATE import_jobs SET next_offset = ?, next_line = ?, next_result_seq = next_result_seq + 1,
                       rows_total = rows_total + ?, rows_created = rows_created + ?, rows_identical = rows_identical + ?,
                       rows_conflict = rows_conflict + ?, rows_invalid = rows_invalid + ?, lease_until = now() + ?::interval
                WHERE id = ? AND lease_owner = ? AND state = 'RUNNING'
                RETURNING next_result_seq""", Integer.class,
                last.endOffset(), last.nextLine(), results.size(),
                chunk.count(BatchResult.Outcome.CREATED), chunk.count(BatchResult.Outcome.EXISTS_IDENTICAL),
                chunk.count(BatchResult.Outcome.CONFLICT), chunk.count(BatchResult.Outcome.INVALID),
                lease.leaseInterval(), job.id(), lease.owner());
        if (moved.size() != 1 || moved.get(0) != seq + 1) {
            status.setRollbackOnly();
            return false;
        }
        jdbc.update("""
                INSERT INTO import_results (job_id, seq, first_line, last_line, results, secrets_ciphertext, secrets_wrapped_data_key,
                                            secrets_kek_version) VALUES (?, ?, ?, ?, ?, ?, ?, ?)""",
                job.id(), seq, results.isEmpty() ? last.line() : results.get(0).line(), last.line(), chunk.gzippedResults(),
                sealed == null ? null : sealed.ciphertext(), sealed == null ? null : sealed.wrappedDataKey(),
                sealed == null ? null : sealed.kekVersion());
        count(job, chunk);
        return true;
    }

    /** The secrets file's lines sealed under the chunk's number, the plain copies overwritten; null if there are none. */
    private SealedSecret seal(StringBuilder secrets, ImportJob job, int seq) {
        if (secrets.length() == 0) {
            return null;
        }
        ByteBuffer encoded = StandardCharsets.UTF_8.encode(CharBuffer.wrap(secrets));
        byte[] plain = new byte[encoded.remaining()];
        encoded.get(plain);
        Arrays.fill(encoded.array(), (byte) 0);
        for (int i = 0; i < secrets.length(); i++) {
            secrets.setCharAt(i, ' ');
        }
        SealedSecret sealed = cipher.seal(plain, ResultChunks.secretsContext(job.id(), seq));
        Arrays.fill(plain, (byte) 0);
        return sealed;
    }

    private void count(ImportJob job, ResultChunks.Chunk chunk) {
        ImportEvents sink = events.getIfAvailable();
        if (sink != null) {
            for (BatchResult.Outcome outcome : BatchResult.Outcome.values()) {
                if (chunk.count(outcome) > 0) {
                    sink.rows(ResultChunks.outcomeName(outcome), job.dryRun(), chunk.count(outcome));
                }
            }
        }
    }
}
