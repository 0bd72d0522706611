package io.lwm2m.provisioning.api.imports;

import io.lwm2m.provisioning.audit.Actor;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

/** One row of {@code import_jobs}: an upload, how far its run got, and what came of its rows. */
public record ImportJob(UUID id, String createdBy, String createdByRole, String idempotencyKey, byte[] bodySha256, String format,
        boolean dryRun, String state, long uploadBytes, int uploadChunks, long nextOffset, long nextLine, int nextResultSeq,
        long rowsTotal, long rowsExpected, long created, long identical, long conflict, long invalid, List<String> columns, String error,
        String secretsState, Instant secretsExpireAt, String sourceAddress, String requestId, Instant createdAt,
        Instant startedAt, Instant finishedAt) {

    static final String COLUMNS = """
            id, created_by, created_by_role, idempotency_key, body_sha256, format, dry_run, state, upload_bytes, upload_chunks,
            next_offset, next_line, next_result_seq, rows_total, rows_expected, rows_created, rows_identical, rows_conflict, rows_invalid,
            columns, error, secrets_state, secrets_expire_at, source_address, request_id, created_at, started_at, finished_at""";

    static ImportJob map(ResultSet rs, int rowNum) throws SQLException {
        String columns = rs.getString("columns");
        return new ImportJob(rs.getObject("id", UUID.class), rs.getString("created_by"), rs.getString("created_by_role"),
                rs.getString("idempotency_key"), rs.getBytes("body_sha256"), rs.getString("format"), rs.getBoolean("dry_run"),
                rs.getString("state"), rs.getLong("upload_bytes"), rs.getInt("upload_chunks"), rs.getLong("next_offset"),
                rs.getLong("next_line"), rs.getInt("next_result_seq"), rs.getLong("rows_total"), rs.getLong("rows_expected"), rs.getLong("rows_created"),
                rs.getLong("rows_identical"), rs.getLong("rows_conflict"), rs.getLong("rows_invalid"),
                columns == null ? null : List.of(columns.split(",")), rs.getString("error"), rs.getString("secrets_state"),
                instant(rs, "secrets_expire_at"), rs.getString("source_address"), rs.getString("request_id"),
                instant(rs, "created_at"), instant(rs, "started_at"), instant(rs, "finished_at"));
    }

    private static Instant instant(ResultSet rs, String column) throws SQLException {
        java.sql.Timestamp t = rs.getTimestamp(column);
        return t == null ? null : t.toInstant();
    }

    public boolean csv() {
        return "CSV".equals(format);
    }

    /** SUCCEEDED, FAILED or CANCELLED: nothing more happens to its rows. */
    public boolean finished() {
        return "SUCCEEDED".equals(state) || "FAILED".equals(state) || "CANCELLED".equals(state);
    }

    /**
     * How far the job got: rows read and committed of the rows the upload holds (counted when it was
     * accepted; once the job has succeeded, the rows it read), and the percentage of the upload's bytes
     * committed, which is exact however long each row is. 100 only once the job has succeeded; a
     * cancelled or failed job keeps the share it reached.
     */
    public Progress progress() {
        if ("SUCCEEDED".equals(state)) {
            return new Progress(rowsTotal, rowsTotal, 100);
        }
        long total = Math.max(rowsExpected, rowsTotal);
        // Before its first row, a job's offset is already past a CSV header: that is no progress yet.
        int percent = uploadBytes == 0 || rowsTotal == 0 ? 0
                : (int) Math.min(finished() ? 100 : 99, nextOffset * 100 / uploadBytes);
        return new Progress(rowsTotal, total, percent);
    }

    /** Rows done of {@code rowsTotal}, and how much of the upload that is. */
    public record Progress(long rowsDone, long rowsTotal, int percent) {
    }

    /** The creator, as the audit log names it, for events of a job run in the background. */
    Actor actor() {
        return new Actor(createdBy, createdByRole, sourceAddress, requestId);
    }
}
