package io.lwm2m.provisioning.api.imports;

import io.lwm2m.provisioning.audit.Actor;
import io.lwm2m.provisioning.audit.AuditEvent;
import io.lwm2m.provisioning.audit.AuditSink;
import io.lwm2m.provisioning.crypto.SealedSecret;
import io.lwm2m.provisioning.crypto.SecretCipher;
import io.lwm2m.provisioning.errors.ConflictException;
import io.lwm2m.provisioning.errors.InvalidInputException;
import io.lwm2m.provisioning.errors.NotFoundException;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.zip.GZIPInputStream;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Import jobs as the API sees them: accepting an upload (spooled, idempotent), reading progress
 * and per-row results, handing the generated secrets to the job's creator until acknowledged or
 * expired. {@link ImportRunner} runs the jobs.
 */
@Service
public class ImportJobs {

    private static final long CLEANUP_LOCK = 0x696d706f7274L; // "import"

    private final JdbcTemplate jdbc;
    private final ImportSpool spool;
    private final SecretCipher cipher;
    private final AuditSink audit;
    private final TransactionTemplate transactions;
    private final JsonMapper json;
    private final Clock clock;
    private final long maxUploadBytes;
    /** Starts a worker for a job just queued (the runner's queue); set once by {@link ImportRunner}. */
    private volatile Runnable onQueued = () -> { };

    ImportJobs(JdbcTemplate jdbc, ImportSpool spool, SecretCipher cipher, AuditSink audit, TransactionTemplate transactions,
            JsonMapper json, Clock clock, ImportSettings settings) {
        this.jdbc = jdbc;
        this.spool = spool;
        this.cipher = cipher;
        this.audit = audit;
        this.transactions = transactions;
        this.json = json;
        this.clock = clock;
        this.maxUploadBytes = settings.maxUploadSize().toBytes();
    }

    void onQueued(Runnable wake) {
        this.onQueued = wake;
    }

    /** The job a POST created, or the earlier one its Idempotency-Key names ({@code existing} true). */
    public record Accepted(ImportJob job, boolean existing) {
    }

    /** The same Idempotency-Key was used for a different upload. */
    public static final class IdempotencyKeyReusedException extends RuntimeException {
        IdempotencyKeyReusedException(UUID job) {
            super("this Idempotency-Key was used for another upload (job " + job + "); use a new key for a new upload");
        }
    }

    /**
     * Spools the upload and creates its job (QUEUED). With an idempotency key already used by the
     * same caller for the same upload, the spool is dropped and the earlier job is returned.
     */
    public Accepted create(InputStream body, String format, boolean dryRun, String idempotencyKey, Actor actor)
            throws IOException {
        if (idempotencyKey != null && (idempotencyKey.isBlank() || idempotencyKey.length() > 255)) {
            throw new InvalidInputException("Idempotency-Key", "must be 1-255 characters");
        }
        UUID id = UUID.randomUUID();
        try {
            return spoolAndCreate(id, body, format, dryRun, idempotencyKey, actor);
        } finally {
            spool.received(id);
        }
    }

    private Accepted spoolAndCreate(UUID id, InputStream body, String format, boolean dryRun, String idempotencyKey, Actor actor)
            throws IOException {
        ImportSpool.Spooled spooled = spool.write(id, body, maxUploadBytes, "CSV".equals(format));
        byte[] requestHash = requestHash(format, dryRun, spooled.sha256());
        List<String> columns;
        long startOffset = 0;
        long startLine = 1;
        try {
            if (spooled.bytes() == 0) {
                throw new InvalidInputException("body", "is empty; send a " + ("CSV".equals(format) ? "header row and rows" : "JSON object per line"));
            }
            columns = null;
            if ("CSV".equals(format)) {
                try (InputStream in = spool.open(id, 0, spooled.chunks())) {
                    RecordReader reader = new RecordReader(in, true, 0, 1);
                    RecordReader.Record header = reader.next();
                    if (header == null || header.problem() != null) {
                        throw new InvalidInputException("header", header == null ? "is missing" : header.problem());
                    }
                    try {
                        columns = ImportRows.parseHeader(header.fields());
                    } catch (IllegalArgumentException e) {
                        throw new InvalidInputException("header", e.getMessage());
                    }
                    startOffset = header.endOffset();
                    startLine = header.nextLine();
                }
            }
        } catch (RuntimeException | IOException e) {
            spool.delete(id);
            throw e;
        }
        Instant now = clock.instant();
        int inserted = jdbc.update("""
                INSERT INTO import_jobs (id, created_by, created_by_role, idempotency_key, body_sha256, format, dry_run, state,
                                         upload_bytes, upload_chunks, rows_expected, next_offset, next_line, columns, source_address,
                                         request_id, created_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, 'QUEUED', ?, ?, ?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT (created_by, idempotency_key) DO NOTHING""",
                id, actor.name(), actor.role(), idempotencyKey, requestHash, format, dryRun, spooled.bytes(), spooled.chunks(),
                spooled.rows(), startOffset, startLine, columns == null ? null : String.join(",", columns), actor.sourceAddress(),
                actor.requestId(), Timestamp.from(now));
        if (inserted == 1) {
            onQueued.run();
            return new Accepted(load(id), false);
        }
        spool.delete(id);
        ImportJob earlier = jdbc.queryForObject("SELECT " + ImportJob.COLUMNS + " FROM import_jobs WHERE created_by = ? AND idempotency_key = ?",
                ImportJob::map, actor.name(), idempotencyKey);
        if (!MessageDigest.isEqual(earlier.bodySha256(), requestHash)) {
            throw new IdempotencyKeyReusedException(earlier.id());
        }
        return new Accepted(earlier, true);
    }

    private static byte[] requestHash(String format, boolean dryRun, byte[] bodySha256) {
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            digest.update((format + "|" + dryRun + "|").getBytes(StandardCharsets.UTF_8));
            return digest.digest(bodySha256);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * A page of jobs, newest first, optionally in one state, after the job {@code after} (created
     * at, id) of the page before (null: from the newest).
     */
    public List<ImportJob> list(String state, ImportJobCursor after, int limit) {
        StringBuilder sql = new StringBuilder("SELECT " + ImportJob.COLUMNS + " FROM import_jobs WHERE true");
        List<Object> args = new ArrayList<>();
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
        return jdbc.query(sql.toString(), ImportJob::map, args.toArray());
    }

    /** Where a page of jobs ended: the last job's creation time and id. */
    public record ImportJobCursor(Instant createdAt, UUID id) {
    }

    public ImportJob load(UUID id) {
        List<ImportJob> found = jdbc.query("SELECT " + ImportJob.COLUMNS + " FROM import_jobs WHERE id = ?", ImportJob::map, id);
        if (found.isEmpty()) {
            throw new NotFoundException("no import job " + id);
        }
        return found.get(0);
    }

    /**
     * Writes the per-row results with a line after {@code afterLine}, optionally of one outcome, up
     * to {@code limit} rows (0: all), as JSON objects to {@code sink}; returns the line of the last
     * one written, or -1 if none.
     */
    public long rows(UUID id, long afterLine, String outcome, long limit, java.util.function.Consumer<JsonNode> sink) {
        load(id);
        long written = 0;
        long lastLine = -1;
        Integer seq = jdbc.query("SELECT min(seq) FROM import_results WHERE job_id = ? AND last_line > ?",
                rs -> rs.next() ? (Integer) rs.getObject(1) : null, id, afterLine);
        while (seq != null) {
            byte[] gz = jdbc.query("SELECT results FROM import_results WHERE job_id = ? AND seq = ?",
                    rs -> rs.next() ? rs.getBytes(1) : null, id, seq);
            if (gz == null) {
                break;
            }
            for (String line : gunzip(gz).split("\n")) {
                if (line.isEmpty()) {
                    continue;
                }
                JsonNode row = json.readTree(line);
                if (row.get("line").asLong() <= afterLine || (outcome != null && !outcome.equals(row.get("outcome").asString()))) {
                    continue;
                }
                sink.accept(row);
                lastLine = row.get("line").asLong();
                if (limit > 0 && ++written >= limit) {
                    return lastLine;
                }
            }
            final int current = seq;
            seq = jdbc.query("SELECT min(seq) FROM import_results WHERE job_id = ? AND seq > ?",
                    rs -> rs.next() ? (Integer) rs.getObject(1) : null, id, current);
        }
        return lastLine;
    }

    private static String gunzip(byte[] gz) {
        try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(gz))) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Refuses anyone but the job's creator, and jobs whose secrets are not (or no longer) there. */
    public ImportJob secretsJob(UUID id, Actor actor) {
        ImportJob job = load(id);
        if (!job.createdBy().equals(actor.name())) {
            audit.record(actor.event("import.secrets.download", "import:" + id, AuditEvent.Outcome.DENIED,
                    Map.of("reason", "not the job's creator")));
            throw new org.springframework.security.access.AccessDeniedException("only the job's creator may read its secrets");
        }
        if (!job.finished()) {
            throw new ConflictException("state", "the job is still " + job.state() + "; the secrets file is ready when it ends");
        }
        switch (job.secretsState()) {
            case "AVAILABLE":
                return job;
            case "NONE":
                throw new NotFoundException("job " + id + " generated no secrets");
            default:
                throw new SecretsGoneException("the secrets of job " + id + " were " + job.secretsState().toLowerCase()
                        + " and destroyed");
        }
    }

    /** The secrets file was acknowledged or expired: 410. */
    public static final class SecretsGoneException extends RuntimeException {
        SecretsGoneException(String message) {
            super(message);
        }
    }

    /** Streams the secrets CSV of a job to its creator; audited as a disclosure. */
    public void writeSecrets(ImportJob job, Actor actor, OutputStream out) throws IOException {
        // Audited before the first byte leaves: a download broken off midway has disclosed part of it.
        audit.record(actor.event("import.secrets.download", "import:" + job.id(), AuditEvent.Outcome.SUCCESS,
                Map.of("rowsCreated", Long.toString(job.created()))));
        out.write(ResultChunks.SECRETS_HEADER.getBytes(StandardCharsets.UTF_8));
        int seq = -1;
        while (true) {
            final int after = seq;
            List<Object[]> next = jdbc.query("""
                    SELECT seq, secrets_ciphertext, secrets_wrapped_data_key, secrets_kek_version FROM import_results
                    WHERE job_id = ? AND seq > ? AND secrets_ciphertext IS NOT NULL ORDER BY seq LIMIT 1""",
                    (rs, i) -> new Object[] {rs.getInt(1), new SealedSecret(rs.getBytes(2), rs.getBytes(3), rs.getInt(4))},
                    job.id(), after);
            if (next.isEmpty()) {
                break;
            }
            seq = (Integer) next.get(0)[0];
            byte[] csv = cipher.open((SealedSecret) next.get(0)[1], ResultChunks.secretsContext(job.id(), seq));
            out.write(csv);
            java.util.Arrays.fill(csv, (byte) 0);
        }
    }

    /** The creator has the secrets: they are destroyed. */
    public void acknowledgeSecrets(UUID id, Actor actor) {
        ImportJob job = secretsJob(id, actor);
        transactions.executeWithoutResult(status -> {
            destroySecrets(job.id(), "ACKNOWLEDGED");
            audit.record(actor.event("import.secrets.acknowledge", "import:" + job.id(), AuditEvent.Outcome.SUCCESS, Map.of()));
        });
    }

    private void destroySecrets(UUID id, String state) {
        jdbc.update("""
                UPDATE import_results SET secrets_ciphertext = NULL, secrets_wrapped_data_key = NULL, secrets_kek_version = NULL
                WHERE job_id = ? AND secrets_ciphertext IS NOT NULL""", id);
        jdbc.update("UPDATE import_jobs SET secrets_state = ? WHERE id = ?", state, id);
    }

    /**
     * Destroys secrets files past their expiry, and the spools of finished jobs a crash left behind
     * (abandoned uploads go sooner: {@link ImportSpool#removeAbandoned()}); one replica at a time.
     */
    @Scheduled(fixedDelayString = "${provisioning.imports.cleanup-interval:" + ImportSettings.CLEANUP_INTERVAL + "}")
    public void cleanUp() {
        transactions.executeWithoutResult(status -> {
            if (!Boolean.TRUE.equals(jdbc.queryForObject("SELECT pg_try_advisory_xact_lock(?)", Boolean.class, CLEANUP_LOCK))) {
                return;
            }
            Timestamp now = Timestamp.from(clock.instant());
            List<UUID> expired = jdbc.queryForList(
                    "SELECT id FROM import_jobs WHERE secrets_state = 'AVAILABLE' AND secrets_expire_at < ?", UUID.class, now);
            for (UUID id : expired) {
                destroySecrets(id, "EXPIRED");
                audit.record(Actor.SYSTEM.event("import.secrets.expire", "import:" + id, AuditEvent.Outcome.SUCCESS, Map.of()));
            }
            jdbc.update("""
                    DELETE FROM import_upload_chunks c WHERE c.created_at < ?
                      AND NOT EXISTS (SELECT 1 FROM import_jobs j WHERE j.id = c.job_id AND j.state IN ('QUEUED', 'RUNNING'))""",
                    Timestamp.from(clock.instant().minus(Duration.ofHours(1))));
        });
    }

    /** Counts by outcome, for the API. */
    public static Map<String, Long> counts(ImportJob job) {
        return Map.of("total", job.rowsTotal(), "created", job.created(), "existsIdentical", job.identical(),
                "conflict", job.conflict(), "invalid", job.invalid());
    }

    public static List<String> states() {
        return List.of("QUEUED", "RUNNING", "SUCCEEDED", "FAILED", "CANCELLED");
    }

    public static List<String> outcomes() {
        return new ArrayList<>(List.of("created", "exists-identical", "conflict", "invalid"));
    }
}
