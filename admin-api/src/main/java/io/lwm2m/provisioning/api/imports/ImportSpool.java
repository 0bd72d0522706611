package io.lwm2m.provisioning.api.imports;

import io.lwm2m.provisioning.crypto.SealedSecret;
import io.lwm2m.provisioning.crypto.SecretCipher;
import java.io.IOException;
import java.io.InputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.event.EventListener;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/**
 * The upload of an import job, kept in PostgreSQL (so any replica can run or resume the job) in
 * chunks of {@link #CHUNK_BYTES}, each sealed under the KEK like any other secret: a row may carry
 * a factory-supplied PSK key. Only one chunk is in memory at a time, writing or reading.
 *
 * <p>A spool has no job row until its upload has ended, so a server killed mid-upload leaves
 * chunks nobody will run. An upload in progress shows it is alive: each chunk it writes, and a
 * heartbeat on its first chunk while the client is slow. A spool without a job that has shown
 * nothing for {@code provisioning.imports.orphan-after} is abandoned, and removed at start and
 * every {@code orphan-after} from then on, by whichever replica looks first.
 */
@Component
@EnableConfigurationProperties(ImportSettings.class)
class ImportSpool {

    static final int CHUNK_BYTES = 1024 * 1024;

    /** How often a replica marks the spools it is still receiving as alive. */
    static final Duration HEARTBEAT = Duration.ofSeconds(5);

    private static final Logger log = LoggerFactory.getLogger(ImportSpool.class);

    private final JdbcTemplate jdbc;
    private final SecretCipher cipher;
    private final Duration orphanAfter;
    /** Uploads this replica is receiving, whose spools its heartbeat keeps alive. */
    private final Set<UUID> receiving = ConcurrentHashMap.newKeySet();

    ImportSpool(JdbcTemplate jdbc, SecretCipher cipher, ImportSettings settings) {
        this.jdbc = jdbc;
        this.cipher = cipher;
        this.orphanAfter = settings.orphanAfter();
    }

    /** What was spooled: size, chunk count, SHA-256 of the bytes, the rows counted on the way ({@link RowCounter}). */
    record Spooled(long bytes, int chunks, byte[] sha256, long rows) {
    }

    /**
     * Stores {@code in} under {@code jobId}, one committed chunk at a time. The spool stays alive
     * (see {@link #received}) until its job row exists.
     */
    Spooled write(UUID jobId, InputStream in, long maxBytes, boolean csv) throws IOException {
        receiving.add(jobId);
        try {
            return spool(jobId, in, maxBytes, new RowCounter(csv));
        } catch (IOException | RuntimeException e) {
            // The client went away or the upload broke a limit: what arrived is of no use.
            delete(jobId);
            throw e;
        }
    }

    private Spooled spool(UUID jobId, InputStream in, long maxBytes, RowCounter rows) throws IOException {
        MessageDigest sha256 = sha256();
        byte[] chunk = new byte[CHUNK_BYTES];
        long total = 0;
        int seq = 0;
        while (true) {
            int n = in.readNBytes(chunk, 0, CHUNK_BYTES);
            if (n == 0) {
                break;
            }
            total += n;
            if (total > maxBytes) {
                delete(jobId);
                throw new UploadTooLargeException(maxBytes);
            }
            sha256.update(chunk, 0, n);
            rows.update(chunk, n);
            byte[] plain = n == CHUNK_BYTES ? chunk : java.util.Arrays.copyOf(chunk, n);
            SealedSecret sealed = cipher.seal(plain, context(jobId, seq));
            jdbc.update("INSERT INTO import_upload_chunks (job_id, seq, ciphertext, wrapped_data_key, kek_version) VALUES (?, ?, ?, ?, ?)",
                    jobId, seq, sealed.ciphertext(), sealed.wrappedDataKey(), sealed.kekVersion());
            seq++;
            if (n < CHUNK_BYTES) {
                break;
            }
        }
        java.util.Arrays.fill(chunk, (byte) 0);
        return new Spooled(total, seq, sha256.digest(), rows.rows());
    }

    void delete(UUID jobId) {
        jdbc.update("DELETE FROM import_upload_chunks WHERE job_id = ?", jobId);
    }

    /** The upload's job row exists (or the upload was given up): its spool needs no heartbeat any more. */
    void received(UUID jobId) {
        receiving.remove(jobId);
    }

    /** Marks the spools of uploads this replica is still receiving as alive. */
    @Scheduled(fixedDelay = 5, timeUnit = java.util.concurrent.TimeUnit.SECONDS)
    void heartbeat() {
        if (!receiving.isEmpty()) {
            jdbc.update("UPDATE import_upload_chunks SET created_at = now() WHERE job_id = ANY (?) AND seq = 0",
                    (Object) receiving.toArray(UUID[]::new));
        }
    }

    /**
     * Deletes abandoned spools: no open job, and nothing written or heard for {@code orphan-after}
     * (PostgreSQL's clock, the same for every replica). Runs once the server is up and then every
     * {@code orphan-after}, so a spool left by a killed server goes soon after the next start.
     */
    @EventListener(ApplicationReadyEvent.class)
    @Scheduled(initialDelayString = "${provisioning.imports.orphan-after:" + ImportSettings.ORPHAN_AFTER + "}",
            fixedDelayString = "${provisioning.imports.orphan-after:" + ImportSettings.ORPHAN_AFTER + "}")
    void removeAbandoned() {
        int deleted = jdbc.update("""
                DELETE FROM import_upload_chunks c
                WHERE c.job_id IN (SELECT job_id FROM import_upload_chunks GROUP BY job_id
                                   HAVING max(created_at) < now() - ?::interval)
                  AND NOT EXISTS (SELECT 1 FROM import_jobs j WHERE j.id = c.job_id AND j.state IN ('QUEUED', 'RUNNING'))
                  AND NOT c.job_id = ANY (?)""", orphanAfter.toMillis() + " milliseconds", (Object) receiving.toArray(UUID[]::new));
        if (deleted > 0) {
            log.info("Deleted {} chunk(s) of abandoned import uploads (a server stopped while receiving them)", deleted);
        }
    }

    /** The upload from byte {@code offset} on. */
    InputStream open(UUID jobId, long offset, int chunks) {
        return new ChunkStream(jobId, offset, chunks);
    }

    private static String context(UUID jobId, int seq) {
        return "import-upload|" + jobId + "|" + seq;
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Reads the chunks in order, opening each when it is reached. Not thread-safe, not synchronized. */
    private final class ChunkStream extends InputStream {

        private final UUID jobId;
        private final int chunks;
        private int nextSeq;
        private byte[] current = new byte[0];
        private int position;

        ChunkStream(UUID jobId, long offset, int chunks) {
            this.jobId = jobId;
            this.chunks = chunks;
            this.nextSeq = (int) (offset / CHUNK_BYTES);
            if (load()) {
                position = (int) Math.min(offset % CHUNK_BYTES, current.length);
            }
        }

        private boolean load() {
            java.util.Arrays.fill(current, (byte) 0);
            if (nextSeq >= chunks) {
                current = new byte[0];
                position = 0;
                return false;
            }
            int seq = nextSeq++;
            SealedSecret sealed = jdbc.queryForObject(
                    "SELECT ciphertext, wrapped_data_key, kek_version FROM import_upload_chunks WHERE job_id = ? AND seq = ?",
                    (rs, i) -> new SealedSecret(rs.getBytes(1), rs.getBytes(2), rs.getInt(3)), jobId, seq);
            current = cipher.open(sealed, context(jobId, seq));
            position = 0;
            return true;
        }

        @Override
        public int read() {
            while (position >= current.length) {
                if (!load()) {
                    return -1;
                }
            }
            return current[position++] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) {
            if (len == 0) {
                return 0;
            }
            while (position >= current.length) {
                if (!load()) {
                    return -1;
                }
            }
            int n = Math.min(len, current.length - position);
            System.arraycopy(current, position, b, off, n);
            position += n;
            return n;
        }

        @Override
        public void close() {
            java.util.Arrays.fill(current, (byte) 0);
        }
    }
}
