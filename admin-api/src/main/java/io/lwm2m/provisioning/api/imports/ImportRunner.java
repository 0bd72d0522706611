package io.lwm2m.provisioning.api.imports;

import io.lwm2m.provisioning.api.jobs.JobWorkers;
import io.lwm2m.provisioning.audit.AuditEvent;
import io.lwm2m.provisioning.audit.AuditSink;
import io.lwm2m.provisioning.bootstrap.devices.BatchEntry;
import io.lwm2m.provisioning.bootstrap.devices.BatchResult;
import io.lwm2m.provisioning.bootstrap.devices.DeviceService;
import io.lwm2m.provisioning.bootstrap.devices.IssuedCredential;
import io.lwm2m.provisioning.bootstrap.devices.PreparedBatch;
import io.lwm2m.provisioning.bootstrap.credentials.NewCredential;
import io.lwm2m.provisioning.crypto.SealedSecret;
import io.lwm2m.provisioning.crypto.SecretCipher;
import jakarta.annotation.PreDestroy;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.StandardCharsets;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.zip.GZIPOutputStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;
import org.springframework.transaction.TransactionStatus;
import org.springframework.transaction.support.TransactionTemplate;
import tools.jackson.core.JsonGenerator;
import tools.jackson.databind.ObjectWriter;
import tools.jackson.databind.json.JsonMapper;

/**
 * Runs import jobs in the background, batch by batch. Each batch is one transaction: the devices
 * it creates, its per-row results, its sealed secrets, and the job's new position and counts. A
 * crash therefore leaves whole batches only, and the job resumes at its last committed position
 * (on this replica at its next start, or on another once the lease runs out).
 */
@Component
class ImportRunner {

    static final String SECRETS_HEADER = "line,endpoint,server,mode,psk_identity,psk_key,private_key,certificate\n";
    private static final Logger log = LoggerFactory.getLogger(ImportRunner.class);

    private final JdbcTemplate jdbc;
    private final ImportJobs jobs;
    private final ImportSpool spool;
    private final DeviceService devices;
    private final SecretCipher cipher;
    private final AuditSink audit;
    private final TransactionTemplate transactions;
    private final JsonMapper json;
    /** Writes per-row results as JSON lines. */
    private final ObjectWriter resultLines;
    private final Clock clock;
    private final ObjectProvider<ImportEvents> events;
    private final int batchSize;
    private final Duration lease;
    private final Duration secretsTtl;
    /** Batches of one job written at once, each on its own connection (decision 017). */
    private final int parallelBatches;
    private final String node = UUID.randomUUID().toString();
    private final JobWorkers workers;

    ImportRunner(JdbcTemplate jdbc, ImportJobs jobs, ImportSpool spool, DeviceService devices, SecretCipher cipher,
            AuditSink audit, TransactionTemplate transactions, JsonMapper json, Clock clock, ObjectProvider<ImportEvents> events,
            @Value("${provisioning.imports.batch-size:1000}") int batchSize,
            @Value("${provisioning.imports.lease:30s}") Duration lease,
            @Value("${provisioning.imports.secrets-ttl:24h}") Duration secretsTtl,
            @Value("${provisioning.imports.workers:1}") int workers,
            @Value("${provisioning.imports.parallel-batches:2}") int parallelBatches) {
        this.jdbc = jdbc;
        this.jobs = jobs;
        this.spool = spool;
        this.devices = devices;
        this.cipher = cipher;
        this.audit = audit;
        this.transactions = transactions;
        this.json = json;
        this.resultLines = json.writer().withRootValueSeparator("\n");
        this.clock = clock;
        this.events = events;
        this.batchSize = batchSize;
        this.lease = lease;
        this.secretsTtl = secretsTtl;
        this.parallelBatches = Math.max(1, parallelBatches);
        this.workers = new JobWorkers("import-worker", workers, this::claim, this::run);
    }

    /** Jobs left RUNNING by a stopped or crashed server resume once the app is up. */
    @EventListener(ApplicationReadyEvent.class)
    void resumeAfterStart() {
        wake();
    }

    /** Picks up queued jobs and jobs whose replica's lease ran out. */
    @Scheduled(fixedDelayString = "${provisioning.imports.poll-interval:5s}")
    void poll() {
        wake();
    }

    void wake() {
        workers.wake();
    }

    private UUID claim() {
        List<UUID> claimed = jdbc.queryForList("""
                UPDATE import_jobs SET state = 'RUNNING', lease_owner = ?, lease_until = now() + ?::interval,
                                       started_at = coalesce(started_at, now())
                WHERE id = (SELECT id FROM import_jobs WHERE state IN ('QUEUED', 'RUNNING')
                              AND (lease_until IS NULL OR lease_until < now())
                            ORDER BY created_at LIMIT 1 FOR UPDATE SKIP LOCKED)
                RETURNING id""", UUID.class, node, lease.toMillis() + " milliseconds");
        return claimed.isEmpty() ? null : claimed.get(0);
    }

    /**
     * A batch read, parsed and prepared (credentials generated and sealed) ahead of its transaction.
     * {@code keys} are what its rows claim (endpoints, supplied PSK identities and public keys): a
     * batch that shares one with the batch before it waits for that batch's commit first.
     */
    private record Prepared(List<RecordReader.Record> records, List<BatchResult> invalid, PreparedBatch batch, Set<Long> supplied,
            Set<String> keys) {

        boolean sharesKeysWith(Prepared other) {
            Set<String> small = keys.size() <= other.keys.size() ? keys : other.keys;
            Set<String> large = small == keys ? other.keys : keys;
            for (String key : small) {
                if (large.contains(key)) {
                    return true;
                }
            }
            return false;
        }
    }

    private static final Object END = new Object();
    /** How long a job's batches reuse a resolved profile (decision 017). */
    private static final Duration PROFILES_MAX_AGE = Duration.ofSeconds(2);

    /** How a batch's commit ended. */
    private enum Outcome {
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
    private static final class InFlight {
        final Prepared prepared;
        /** Dropped once this batch has ended, so that a job's batches (secrets included) do not stay reachable in a chain. */
        InFlight previous;
        /** The result chunk number of the first batch; used when there is no previous one. */
        final int firstSeq;
        /** The next result chunk number once this batch has moved the job row; -1 if it never will. */
        final CompletableFuture<Integer> placed = new CompletableFuture<>();
        final CompletableFuture<Outcome> ended = new CompletableFuture<>();
        volatile Throwable failure;

        InFlight(Prepared prepared, InFlight previous, int firstSeq) {
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
    }

    /**
     * Runs a job as a pipeline, so that the JVM's work and PostgreSQL's overlap and PostgreSQL
     * works on {@code parallelBatches} batches at once: a preparing thread reads, parses and
     * generates the next batch while committers write the ones before it (decision 017). At most
     * one prepared batch waits and {@code parallelBatches} are in flight: the heap does not grow
     * with the file.
     */
    private void run(UUID id) {
        ImportJob job = jobs.load(id);
        log.info("Import job {} {} at line {} ({} of {} bytes)", id, job.rowsTotal() > 0 ? "resumes" : "starts",
                job.nextLine(), job.nextOffset(), job.uploadBytes());
        String tag = id.toString().substring(0, 8);
        BlockingQueue<Object> ready = new ArrayBlockingQueue<>(1);
        Thread preparer = new Thread(() -> prepareAll(job, ready), "import-prepare-" + tag);
        preparer.setDaemon(true);
        preparer.start();
        AtomicInteger threads = new AtomicInteger();
        ExecutorService committers = Executors.newFixedThreadPool(parallelBatches, r -> {
            Thread t = new Thread(r, "import-commit-" + tag + "-" + threads.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        Semaphore slots = new Semaphore(parallelBatches);
        List<InFlight> open = new ArrayList<>();
        InFlight latest = null;
        Throwable preparing = null;
        boolean complete = false;
        try {
            while (!workers.stopping() && !anyUnsuccessful(open)) {
                open.removeIf(b -> b.ended.isDone() && b.ended.join() == Outcome.COMMITTED);
                Object next = ready.poll(200, TimeUnit.MILLISECONDS);
                if (next == null) {
                    continue;
                }
                if (next == END) {
                    complete = true;
                    break;
                }
                if (next instanceof Throwable failure) {
                    preparing = failure;
                    break;
                }
                while (!slots.tryAcquire(200, TimeUnit.MILLISECONDS)) {
                    // all committers busy; the loop condition sees a stop or a failure at the next batch
                }
                InFlight batch = new InFlight((Prepared) next, latest, job.nextResultSeq());
                open.add(batch);
                latest = batch;
                committers.execute(() -> {
                    try {
                        commitInOrder(job, batch);
                    } finally {
                        slots.release();
                    }
                });
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            preparer.interrupt();
            committers.shutdown();
        }
        // What is in flight ends either way (committed or rolled back); then the job's state is decided.
        List<Outcome> outcomes = open.stream().map(b -> b.ended.join()).toList();
        Throwable failure = preparing != null ? preparing
                : open.stream().map(b -> b.failure).filter(java.util.Objects::nonNull).findFirst().orElse(null);
        if (failure != null) {
            log.error("Import job {} failed", id, failure);
            fail(id);
        } else if (outcomes.contains(Outcome.LEASE_LOST) || outcomes.contains(Outcome.ABANDONED)) {
            log.warn("Import job {} lost its lease; another replica continues it", id);
        } else if (complete) {
            finish(job);
        } else {
            jdbc.update("UPDATE import_jobs SET lease_until = NULL WHERE id = ? AND lease_owner = ?", id, node);
            log.info("Import job {} paused by shutdown; it resumes at the next start", id);
        }
    }

    private static boolean anyUnsuccessful(List<InFlight> open) {
        for (InFlight b : open) {
            if (b.ended.isDone() && b.ended.join() != Outcome.COMMITTED) {
                return true;
            }
        }
        return false;
    }

    private void prepareAll(ImportJob job, BlockingQueue<Object> ready) {
        try (InputStream in = spool.open(job.id(), job.nextOffset(), job.uploadChunks())) {
            ImportRows rows = new ImportRows(job.csv() ? job.columns() : null, json);
            DeviceService.ResolvedProfiles profiles = new DeviceService.ResolvedProfiles(PROFILES_MAX_AGE);
            RecordReader reader = new RecordReader(in, job.csv(), job.nextOffset(), job.nextLine());
            if (job.csv()) {
                reader.expecting(job.columns().size(), ImportRows.multilineColumns(job.columns()));
            }
            while (!Thread.currentThread().isInterrupted()) {
                List<RecordReader.Record> records = new ArrayList<>(batchSize);
                RecordReader.Record record;
                while (records.size() < batchSize && (record = reader.next()) != null) {
                    records.add(record);
                }
                if (records.isEmpty()) {
                    ready.put(END);
                    return;
                }
                ready.put(prepare(job, rows, profiles, records));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Throwable e) {
            try {
                ready.put(e);
            } catch (InterruptedException interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private Prepared prepare(ImportJob job, ImportRows rows, DeviceService.ResolvedProfiles profiles,
            List<RecordReader.Record> records) {
        List<BatchEntry> entries = new ArrayList<>(records.size());
        List<BatchResult> invalid = new ArrayList<>();
        Set<Long> supplied = new HashSet<>();
        Set<String> keys = new HashSet<>(records.size() * 2);
        for (RecordReader.Record record : records) {
            if (record.problem() != null) {
                invalid.add(BatchResult.of(record.line(), null, BatchResult.Outcome.INVALID, record.problem()));
                continue;
            }
            ImportRows.Row row = rows.parse(record);
            if (row.problem() != null) {
                invalid.add(BatchResult.of(record.line(), row.endpoint(), BatchResult.Outcome.INVALID, row.problem()));
            } else {
                entries.add(new BatchEntry(record.line(), row.device()));
                keys.add(row.device().endpoint());
                if (row.device().pskIdentity() != null) {
                    keys.add("\0psk:" + row.device().pskIdentity());
                }
                if (row.device().rpkPublicKey() != null) {
                    keys.add("\0rpk:" + Base64.getEncoder().encodeToString(row.device().rpkPublicKey().getEncoded()));
                }
                if (row.device().pskKey() != null) {
                    supplied.add(record.line());
                }
            }
        }
        // The batch's secrets share one data key, each still wrapped under its own row's context (decision 013).
        try (SecretCipher.SharedDataKey shared = cipher.shareDataKeys()) {
            return new Prepared(records, invalid, devices.prepareBatch(entries, job.dryRun(), job.actor(), profiles), supplied,
                    keys);
        }
    }

    private void commitInOrder(ImportJob job, InFlight batch) {
        Outcome outcome = Outcome.FAILED;
        try {
            outcome = commit(job, batch);
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
    private Outcome commit(ImportJob job, InFlight batch) {
        Prepared prepared = batch.prepared;
        if (batch.previous != null && prepared.sharesKeysWith(batch.previous.prepared) && !batch.previousCommitted()) {
            return Outcome.ABANDONED;
        }
        RecordReader.Record last = prepared.records().get(prepared.records().size() - 1);
        try {
            return transactions.execute(status -> {
                commitWithoutWaitingForTheDisk();
                List<BatchResult> results = new ArrayList<>(prepared.invalid());
                if (!prepared.batch().entries().isEmpty()) {
                    results.addAll(devices.registerBatch(prepared.batch()));
                }
                results.sort(Comparator.comparingLong(BatchResult::line));
                ResultChunk chunk = encode(results, prepared.supplied());
                int seq = batch.awaitSeq();
                if (seq < 0) {
                    status.setRollbackOnly();
                    return Outcome.ABANDONED;
                }
                if (!store(status, job, chunk, last, seq)) {
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
        int next = oneByOne(job, prepared, batch.awaitSeq());
        if (next < 0) {
            return Outcome.LEASE_LOST;
        }
        batch.placed.complete(next);
        return Outcome.COMMITTED;
    }

    /** A batch's rows, one transaction each, from chunk number {@code seq}; the next chunk number, or -1 if the lease is lost. */
    private int oneByOne(ImportJob job, Prepared prepared, int seq) {
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
                        && store(status, job, encode(invalid.containsKey(record.line())
                                ? List.of(invalid.get(record.line()))
                                : devices.registerBatch(List.of(entries.get(record.line())), job.dryRun(), job.actor()),
                                prepared.supplied()), record, s));
            } catch (DataIntegrityViolationException e) {
                held = transactions.execute(status -> commitWithoutWaitingForTheDisk()
                        && store(status, job, encode(List.of(BatchResult.of(record.line(), null, BatchResult.Outcome.CONFLICT,
                                "collided with a concurrent registration of the same endpoint or identity")), Set.of()), record, s));
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
     * A batch's results encoded for storage: per-row results as gzipped JSON lines, the secrets
     * file's lines (plain, until {@link #store} seals them under the chunk's number) and the counts.
     */
    private record ResultChunk(List<BatchResult> results, byte[] gzippedResults, StringBuilder secrets, long[] counts) {
    }

    private ResultChunk encode(List<BatchResult> results, Set<Long> supplied) {
        long[] counts = new long[BatchResult.Outcome.values().length];
        StringBuilder secrets = new StringBuilder();
        ByteArrayOutputStream gz = new ByteArrayOutputStream(16 * 1024);
        try (OutputStream out = new FastGzip(gz); JsonGenerator ndjson = resultLines.createGenerator(out)) {
            for (BatchResult r : results) {
                counts[r.outcome().ordinal()]++;
                ndjson.writeStartObject();
                ndjson.writeNumberProperty("line", r.line());
                ndjson.writeStringProperty("endpoint", r.endpoint());
                ndjson.writeStringProperty("outcome", OUTCOME_NAMES[r.outcome().ordinal()]);
                if (r.reason() != null) {
                    ndjson.writeStringProperty("reason", r.reason());
                }
                ndjson.writeEndObject();
                for (IssuedCredential issued : r.issued()) {
                    secretsLine(secrets, r, issued, supplied.contains(r.line()));
                }
            }
            if (!results.isEmpty()) {
                ndjson.writeRaw('\n');
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new ResultChunk(results, gz.toByteArray(), secrets, counts);
    }

    /**
     * Stores a batch's results as chunk {@code seq}, its secrets sealed, and moves the job past it;
     * false, with the transaction marked for rollback, if the lease is lost or the batch before it
     * never took its place.
     */
    private boolean store(TransactionStatus status, ImportJob job, ResultChunk chunk, RecordReader.Record last, int seq) {
        SealedSecret sealed = null;
        StringBuilder secrets = chunk.secrets();
        if (secrets.length() > 0) {
            ByteBuffer encoded = StandardCharsets.UTF_8.encode(CharBuffer.wrap(secrets));
            byte[] plain = new byte[encoded.remaining()];
            encoded.get(plain);
            java.util.Arrays.fill(encoded.array(), (byte) 0);
            for (int i = 0; i < secrets.length(); i++) {
                secrets.setCharAt(i, ' ');
            }
            sealed = cipher.seal(plain, secretsContext(job.id(), seq));
            java.util.Arrays.fill(plain, (byte) 0);
        }
        long[] counts = chunk.counts();
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
                counts[BatchResult.Outcome.CREATED.ordinal()], counts[BatchResult.Outcome.EXISTS_IDENTICAL.ordinal()],
                counts[BatchResult.Outcome.CONFLICT.ordinal()], counts[BatchResult.Outcome.INVALID.ordinal()],
                lease.toMillis() + " milliseconds", job.id(), node);
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
        ImportEvents sink = events.getIfAvailable();
        if (sink != null) {
            for (BatchResult.Outcome outcome : BatchResult.Outcome.values()) {
                if (counts[outcome.ordinal()] > 0) {
                    sink.rows(outcomeName(outcome), job.dryRun(), counts[outcome.ordinal()]);
                }
            }
        }
        return true;
    }

    static String outcomeName(BatchResult.Outcome outcome) {
        return outcome.name().toLowerCase().replace('_', '-');
    }

    private static final String[] OUTCOME_NAMES = java.util.Arrays.stream(BatchResult.Outcome.values())
            .map(ImportRunner::outcomeName).toArray(String[]::new);
    private static final HexFormat HEX = HexFormat.of();

    /** Gzip at the fastest level: a batch's results are read back rarely, and written for every batch. */
    private static final class FastGzip extends GZIPOutputStream {
        FastGzip(OutputStream out) throws IOException {
            super(out, 8192);
            def.setLevel(java.util.zip.Deflater.BEST_SPEED);
        }
    }

    static String secretsContext(UUID job, int seq) {
        return "import-secrets|" + job + "|" + seq;
    }

    /** One CSV line per generated secret: line, endpoint, server (empty: bootstrap), mode, identity, key (hex), private key and certificate (base64 DER). */
    private static void secretsLine(StringBuilder out, BatchResult r, IssuedCredential issued, boolean suppliedBootstrap) {
        NewCredential c = issued.credential();
        if (c.secret() == null || (issued.server() == null && suppliedBootstrap)) {
            return;
        }
        out.append(r.line()).append(',').append(csv(r.endpoint())).append(',')
                .append(csv(issued.server() == null ? "" : issued.server())).append(',')
                .append(c.mode().name()).append(',').append(csv(c.pskIdentity() == null ? "" : c.pskIdentity())).append(',');
        if (c.pskKey() != null) {
            HEX.formatHex(out, c.pskKey());
        }
        out.append(',');
        if (c.keyPair() != null && c.keyPair().getPrivate() != null) {
            out.append(Base64.getEncoder().encodeToString(c.keyPair().getPrivate().getEncoded()));
        }
        out.append(',');
        if (c.certificate() != null) {
            out.append(base64(c.certificate()));
        }
        out.append('\n');
    }

    private static String base64(java.security.cert.X509Certificate certificate) {
        try {
            return Base64.getEncoder().encodeToString(certificate.getEncoded());
        } catch (java.security.cert.CertificateEncodingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String csv(String value) {
        if (value.indexOf(',') < 0 && value.indexOf('"') < 0 && value.indexOf('\n') < 0) {
            return value;
        }
        return '"' + value.replace("\"", "\"\"") + '"';
    }

    private void finish(ImportJob started) {
        transactions.executeWithoutResult(status -> {
            boolean secrets = Boolean.TRUE.equals(jdbc.queryForObject(
                    "SELECT EXISTS (SELECT 1 FROM import_results WHERE job_id = ? AND secrets_ciphertext IS NOT NULL)",
                    Boolean.class, started.id()));
            jdbc.update("""
                    UPDATE import_jobs SET state = 'SUCCEEDED', finished_at = ?, lease_owner = NULL, lease_until = NULL,
                           secrets_state = ?, secrets_expire_at = ?
                    WHERE id = ?""", Timestamp.from(clock.instant()), secrets ? "AVAILABLE" : "NONE",
                    secrets ? Timestamp.from(clock.instant().plus(secretsTtl)) : null, started.id());
            spool.delete(started.id());
            ImportJob job = jobs.load(started.id());
            audit.record(job.actor().event("import.run", "import:" + job.id(), AuditEvent.Outcome.SUCCESS, details(job)));
            log.info("Import job {} done: {}", job.id(), ImportJobs.counts(job));
        });
    }

    private void fail(UUID id) {
        try {
            transactions.executeWithoutResult(status -> {
                jdbc.update("""
                        UPDATE import_jobs SET state = 'FAILED', finished_at = ?, lease_owner = NULL, lease_until = NULL,
                               error = 'the server failed while importing; the rows counted were committed, the rest were not read'
                        WHERE id = ?""", Timestamp.from(clock.instant()), id);
                spool.delete(id);
                ImportJob job = jobs.load(id);
                audit.record(job.actor().event("import.run", "import:" + id, AuditEvent.Outcome.FAILURE, details(job)));
            });
        } catch (RuntimeException e) {
            log.error("Could not mark import job {} as failed; it resumes when its lease runs out", id, e);
        }
    }

    private static Map<String, String> details(ImportJob job) {
        return Map.of("format", job.format(), "dryRun", Boolean.toString(job.dryRun()),
                "rows", Long.toString(job.rowsTotal()), "created", Long.toString(job.created()),
                "existsIdentical", Long.toString(job.identical()), "conflict", Long.toString(job.conflict()),
                "invalid", Long.toString(job.invalid()));
    }

    /** Stops taking batches; a running job keeps its committed position and resumes at the next start. */
    @PreDestroy
    void stop() throws InterruptedException {
        workers.stop();
    }
}
