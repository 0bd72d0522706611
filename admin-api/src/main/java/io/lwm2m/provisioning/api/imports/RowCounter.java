package io.lwm2m.provisioning.api.imports;

/**
 * Counts the rows of an upload as its bytes stream into the spool, so that a job's progress reads
 * "rows done of total" from the start instead of a count that only grows. NDJSON: non-blank lines.
 * CSV: non-blank records, a line break inside quotes continuing the record (RFC 4180), less the
 * header. Exact for a well-formed file; a stray quote in a broken one can shift the count, which
 * is why the job's own count ({@code rows_total}) is the total once the job has ended.
 */
final class RowCounter {

    private final boolean csv;
    private boolean quoted;
    private boolean content;
    private long rows;

    RowCounter(boolean csv) {
        this.csv = csv;
    }

    void update(byte[] bytes, int length) {
        for (int i = 0; i < length; i++) {
            byte b = bytes[i];
            if (csv && b == '"') {
                quoted = !quoted;
                content = true;
            } else if (b == '\n' && !quoted) {
                endRecord();
            } else if (b != ' ' && b != '\t' && b != '\r' && b != '\n') {
                content = true;
            }
        }
    }

    /** The rows counted, the last one included even without a final line break. */
    long rows() {
        long total = rows + (content ? 1 : 0);
        return csv ? Math.max(0, total - 1) : total;
    }

    private void endRecord() {
        if (content) {
            rows++;
        }
        content = false;
    }
}
