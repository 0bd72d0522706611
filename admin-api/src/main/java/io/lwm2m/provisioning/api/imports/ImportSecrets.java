package io.lwm2m.provisioning.api.imports;

import io.lwm2m.provisioning.crypto.KeyEncryptionKeys;
import io.lwm2m.provisioning.crypto.RewrappableSecrets;
import io.lwm2m.provisioning.crypto.SealedSecret;
import io.lwm2m.provisioning.crypto.SecretCipher;
import java.util.List;
import java.util.UUID;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/** KEK rotation for what imports keep sealed: spooled uploads and unacknowledged secrets files. */
@Component
class ImportSecrets implements RewrappableSecrets {

    private static final int BATCH = 200;

    private final JdbcTemplate jdbc;
    private final SecretCipher cipher;
    private final KeyEncryptionKeys keys;

    ImportSecrets(JdbcTemplate jdbc, SecretCipher cipher, KeyEncryptionKeys keys) {
        this.jdbc = jdbc;
        this.cipher = cipher;
        this.keys = keys;
    }

    @Override
    public String name() {
        return "imports";
    }

    @Override
    public long countNotCurrent() {
        Long count = jdbc.queryForObject("""
                SELECT (SELECT count(*) FROM import_upload_chunks WHERE kek_version <> ?)
                     + (SELECT count(*) FROM import_results WHERE secrets_kek_version <> ?)""",
                Long.class, keys.currentVersion(), keys.currentVersion());
        return count == null ? 0 : count;
    }

    private record Row(UUID job, int seq, SealedSecret sealed) {
    }

    @Override
    public long rewrapAll() {
        int current = keys.currentVersion();
        long total = 0;
        while (true) {
            List<Row> chunks = jdbc.query("""
                    SELECT job_id, seq, ciphertext, wrapped_data_key, kek_version FROM import_upload_chunks
                    WHERE kek_version <> ? LIMIT ?""", (rs, i) -> new Row(rs.getObject(1, UUID.class), rs.getInt(2),
                    new SealedSecret(rs.getBytes(3), rs.getBytes(4), rs.getInt(5))), current, BATCH);
            List<Row> files = jdbc.query("""
                    SELECT job_id, seq, secrets_ciphertext, secrets_wrapped_data_key, secrets_kek_version FROM import_results
                    WHERE secrets_kek_version <> ? LIMIT ?""", (rs, i) -> new Row(rs.getObject(1, UUID.class), rs.getInt(2),
                    new SealedSecret(rs.getBytes(3), rs.getBytes(4), rs.getInt(5))), current, BATCH);
            if (chunks.isEmpty() && files.isEmpty()) {
                return total;
            }
            for (Row r : chunks) {
                SealedSecret s = cipher.rewrap(r.sealed(), "import-upload|" + r.job() + "|" + r.seq());
                jdbc.update("UPDATE import_upload_chunks SET wrapped_data_key = ?, kek_version = ? WHERE job_id = ? AND seq = ?",
                        s.wrappedDataKey(), s.kekVersion(), r.job(), r.seq());
            }
            for (Row r : files) {
                SealedSecret s = cipher.rewrap(r.sealed(), ResultChunks.secretsContext(r.job(), r.seq()));
                jdbc.update("""
                        UPDATE import_results SET secrets_wrapped_data_key = ?, secrets_kek_version = ?
                        WHERE job_id = ? AND seq = ? AND secrets_ciphertext IS NOT NULL""",
                        s.wrappedDataKey(), s.kekVersion(), r.job(), r.seq());
            }
            total += chunks.size() + files.size();
        }
    }
}
