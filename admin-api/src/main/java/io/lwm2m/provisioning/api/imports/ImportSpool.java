package io.lwm2m.provisioning.api.imports;

import io.lwm2m.provisioning.crypto.SealedSecret;
import io.lwm2m.provisioning.crypto.SecretCipher;
import java.io.IOException;
import java.io.InputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.UUID;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/**
 * The upload of an import job, kept in PostgreSQL (so any replica can run or resume the job) in
 * chunks of {@link #CHUNK_BYTES}, each sealed under the KEK like any other secret: a row may carry
 * a factory-supplied PSK key. Only one chunk is in memory at a time, writing or reading.
 */
@Component
class ImportSpool {

    static final int CHUNK_BYTES = 1024 * 1024;

    private final JdbcTemplate jdbc;
    private final SecretCipher cipher;

    ImportSpool(JdbcTemplate jdbc, SecretCipher cipher) {
        this.jdbc = jdbc;
        this.cipher = cipher;
    }

    /** What was spooled: size, chunk count, SHA-256 of the bytes. */
    record Spooled(long bytes, int chunks, byte[] sha256) {
    }

    /** Thrown when the upload exceeds the limit; what was spooled is already deleted. */
    static final class TooLargeException extends RuntimeException {
        TooLargeException(long limit) {
            super("the upload exceeds " + limit + " bytes");
        }
    }

    /** Stores {@code in} under {@code jobId}, one committed chunk at a time. */
    Spooled write(UUID jobId, InputStream in, long maxBytes) throws IOException {
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
                throw new TooLargeException(maxBytes);
            }
            sha256.update(chunk, 0, n);
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
        return new Spooled(total, seq, sha256.digest());
    }

    void delete(UUID jobId) {
        jdbc.update("DELETE FROM import_upload_chunks WHERE job_id = ?", jobId);
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
