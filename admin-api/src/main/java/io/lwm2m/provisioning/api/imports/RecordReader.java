package io.lwm2m.provisioning.api.imports;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;

/**
 * Splits an upload into records, byte by byte, keeping the byte offset and line number of each.
 * NDJSON: a record per line. CSV: RFC 4180 (a field is quoted or not; a quote opens a field only
 * at its start; {@code ""} inside quotes is a quote; a quoted field may hold commas and, in the
 * columns that allow it, line breaks; records end with CRLF or LF), parsed into fields.
 *
 * <p>A broken record never takes good ones with it (decision 031): it is reported at its first
 * line, and when it had run on over later lines (a stray opening quote, a quote never closed, a
 * line break in a column that cannot hold one, text after a closing quote, too many bytes),
 * reading resumes at its second line, so the rows a stray quote swallowed are read again as rows.
 * A UTF-8 byte order mark at the start of the upload is skipped. Each field is decoded as strict
 * UTF-8. Holds one record (at most {@link #MAX_RECORD_BYTES}) in memory at a time.
 */
final class RecordReader {

    /** Longest record accepted; a longer one is reported and skipped up to its end of line. */
    static final int MAX_RECORD_BYTES = 64 * 1024;

    /**
     * One record: NDJSON text or CSV fields (null if {@code problem} is set), its first line, and
     * the byte offset and line number just past it.
     */
    record Record(String text, List<String> fields, long line, long endOffset, long nextLine, String problem) {

        static Record broken(long line, long endOffset, long nextLine, String problem) {
            return new Record(null, null, line, endOffset, nextLine, problem);
        }
    }

    private enum State { FIELD_START, UNQUOTED, QUOTED, QUOTE_IN_QUOTED, CR_AFTER_QUOTE, SKIP_LINE }

    private final InputStream in;
    private final boolean csv;
    private final CharsetDecoder utf8 = StandardCharsets.UTF_8.newDecoder()
            .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT);
    /** The current record's raw bytes, kept so that a broken one can be read again from its second line. */
    private byte[] buffer = new byte[1024];
    private int length;
    /** Bytes given back by a resync, read before {@code in}. */
    private byte[] pending = new byte[0];
    private int pendingPosition;
    private long offset;
    private long line;
    private int expectedFields;
    private Set<Integer> multilineColumns = Set.of();

    /**
     * @param in     the upload from {@code offset} on
     * @param csv    CSV rather than NDJSON
     * @param offset byte offset of the first byte {@code in} yields (0: a byte order mark is skipped)
     * @param line   line number of that byte
     */
    RecordReader(InputStream in, boolean csv, long offset, long line) throws IOException {
        this.in = in;
        this.csv = csv;
        this.offset = offset;
        this.line = line;
        if (offset == 0) {
            skipByteOrderMark();
        }
    }

    /**
     * The CSV shape past the header: how many fields a record has, and which columns may hold line
     * breaks (a record that breaks a line anywhere else, or runs over lines with the wrong field
     * count, is resynchronised at its second line).
     */
    RecordReader expecting(int fields, Set<Integer> multiline) {
        this.expectedFields = fields;
        this.multilineColumns = multiline;
        return this;
    }

    /** The next non-blank record, or null at the end of the upload. */
    Record next() throws IOException {
        while (true) {
            Record record = csv ? nextCsv() : nextLine();
            if (record != BLANK) {
                return record;
            }
        }
    }

    long offset() {
        return offset;
    }

    long line() {
        return line;
    }

    private static final Record BLANK = Record.broken(0, 0, 0, "blank");

    private Record nextLine() throws IOException {
        long startLine = line;
        length = 0;
        boolean oversize = false;
        int b;
        while ((b = read()) != -1 && b != '\n') {
            if (length == MAX_RECORD_BYTES) {
                oversize = true;
            } else if (!oversize) {
                append(b);
            }
        }
        if (b == -1 && length == 0 && !oversize && startLine == line) {
            return null;
        }
        if (oversize) {
            return Record.broken(startLine, offset, line, tooLong());
        }
        int end = length > 0 && buffer[length - 1] == '\r' ? length - 1 : length;
        if (isBlank(0, end)) {
            return BLANK;
        }
        String text = decode(0, end);
        return text == null ? Record.broken(startLine, offset, line, "not valid UTF-8")
                : new Record(text, null, startLine, offset, line, null);
    }

    private Record nextCsv() throws IOException {
        long startLine = line;
        length = 0;
        CsvRecord record = new CsvRecord();
        boolean sawAny = false;
        while (true) {
            int b = read();
            if (b == -1) {
                if (!sawAny) {
                    return null;
                }
                if (record.state == State.QUOTED) {
                    return resync(startLine, record.firstLineEnd, "a quoted field is never closed (a stray '\"'?)");
                }
                break;
            }
            sawAny = true;
            if (record.state != State.SKIP_LINE) {
                if (length == MAX_RECORD_BYTES) {
                    if (record.firstLineEnd >= 0) {
                        return resync(startLine, record.firstLineEnd, tooLong());
                    }
                    record.fail(tooLong());
                } else {
                    append(b);
                }
            }
            if (b == '\n' && record.firstLineEnd < 0) {
                record.firstLineEnd = length;
            }
            String resync = record.step(b);
            if (resync != null) {
                return resync(startLine, record.firstLineEnd, resync);
            }
            if (b == '\n' && record.state != State.QUOTED) {
                break;
            }
        }
        return finish(record, startLine);
    }

    private Record finish(CsvRecord record, long startLine) {
        if (record.problem != null) {
            return Record.broken(startLine, offset, line, record.problem);
        }
        boolean lastQuoted = record.quoted;
        record.endField();
        if (record.fields.contains(null)) {
            return Record.broken(startLine, offset, line, "not valid UTF-8");
        }
        if (record.fields.size() == 1 && !lastQuoted && record.fields.get(0).isBlank()) {
            return BLANK;
        }
        boolean spansLines = record.firstLineEnd >= 0 && record.firstLineEnd < length;
        if (expectedFields > 0 && record.fields.size() != expectedFields && spansLines) {
            return resync(startLine, record.firstLineEnd, "has " + record.fields.size() + " fields, the header " + expectedFields
                    + " (a stray '\"'?)");
        }
        return new Record(null, record.fields, startLine, offset, line, null);
    }

    /** The RFC 4180 state of the record being read: its fields so far, the current one, where its first line ended. */
    private final class CsvRecord {
        final List<String> fields = new ArrayList<>();
        final ByteArrayOutputStream field = new ByteArrayOutputStream();
        State state = State.FIELD_START;
        boolean quoted;
        boolean spansLines;
        int firstLineEnd = -1;
        String problem;

        /** Takes one byte; returns the problem of a record to resynchronise at its second line, else null. */
        String step(int b) {
            switch (state) {
                case FIELD_START -> {
                    if (b == '"') {
                        quoted = true;
                        state = State.QUOTED;
                    } else if (b == ',') {
                        endField();
                    } else if (b != '\n') {
                        field.write(b);
                        state = State.UNQUOTED;
                    }
                }
                case UNQUOTED -> {
                    if (b == ',') {
                        endField();
                    } else if (b == '"') {
                        fail("a '\"' inside unquoted field " + (fields.size() + 1)
                                + " (RFC 4180: quote the whole field and double the quote)");
                    } else if (b != '\n') {
                        field.write(b);
                    }
                }
                case QUOTED -> {
                    return quoted(b);
                }
                case QUOTE_IN_QUOTED, CR_AFTER_QUOTE -> {
                    return afterQuote(b);
                }
                case SKIP_LINE -> {
                    // Consumes the rest of a broken line.
                }
            }
            return null;
        }

        private String quoted(int b) {
            if (b == '"') {
                state = State.QUOTE_IN_QUOTED;
                return null;
            }
            if (b == '\n') {
                if (!multilineColumns.contains(fields.size())) {
                    return "a line break inside quoted field " + (fields.size() + 1) + ", which cannot hold one (a stray '\"'?)";
                }
                spansLines = true;
            }
            field.write(b);
            return null;
        }

        /** After a quote inside a quoted field: an escaped quote, the field's end, or the record's end (CRLF or LF). */
        private String afterQuote(int b) {
            if (state == State.QUOTE_IN_QUOTED && b == '"') {
                field.write('"');
                state = State.QUOTED;
            } else if (state == State.QUOTE_IN_QUOTED && b == ',') {
                endField();
            } else if (state == State.QUOTE_IN_QUOTED && b == '\r') {
                state = State.CR_AFTER_QUOTE;
            } else if (b != '\n') {
                String problem = "text after the closing quote of field " + (fields.size() + 1);
                if (spansLines) {
                    return problem;
                }
                fail(problem);
            }
            return null;
        }

        void endField() {
            fields.add(RecordReader.this.endField(field, quoted));
            quoted = false;
            spansLines = false;
            state = State.FIELD_START;
        }

        void fail(String why) {
            if (problem == null) {
                problem = why;
            }
            state = State.SKIP_LINE;
        }
    }

    /** The field's text (a CR before the record's LF dropped from an unquoted one), or null if it is not UTF-8. */
    private String endField(ByteArrayOutputStream field, boolean quoted) {
        byte[] bytes = field.toByteArray();
        field.reset();
        int end = !quoted && bytes.length > 0 && bytes[bytes.length - 1] == '\r' ? bytes.length - 1 : bytes.length;
        try {
            return utf8.reset().decode(ByteBuffer.wrap(bytes, 0, end)).toString();
        } catch (CharacterCodingException e) {
            return null;
        }
    }

    /**
     * Reports the record as its first line only and gives back the bytes after it, so reading
     * resumes at the record's second line.
     */
    private Record resync(long startLine, int firstLineEnd, String problem) {
        if (firstLineEnd >= 0 && firstLineEnd < length) {
            byte[] rest = Arrays.copyOfRange(buffer, firstLineEnd, length);
            byte[] unread = Arrays.copyOfRange(pending, pendingPosition, pending.length);
            pending = new byte[rest.length + unread.length];
            System.arraycopy(rest, 0, pending, 0, rest.length);
            System.arraycopy(unread, 0, pending, rest.length, unread.length);
            pendingPosition = 0;
            offset -= rest.length;
            for (byte b : rest) {
                if (b == '\n') {
                    line--;
                }
            }
            length = firstLineEnd;
        }
        return Record.broken(startLine, offset, line, problem);
    }

    private int read() throws IOException {
        int b = pendingPosition < pending.length ? pending[pendingPosition++] & 0xff : in.read();
        if (b != -1) {
            offset++;
            if (b == '\n') {
                line++;
            }
        }
        return b;
    }

    private void append(int b) {
        if (length == buffer.length) {
            buffer = Arrays.copyOf(buffer, Math.min(buffer.length * 2, MAX_RECORD_BYTES));
        }
        buffer[length++] = (byte) b;
    }

    /** Many editors start a UTF-8 file with EF BB BF; it is no part of the first column's name. */
    private void skipByteOrderMark() throws IOException {
        byte[] start = in.readNBytes(3);
        if (start.length == 3 && (start[0] & 0xff) == 0xef && (start[1] & 0xff) == 0xbb && (start[2] & 0xff) == 0xbf) {
            offset = 3;
        } else {
            pending = start;
        }
    }

    private String decode(int from, int to) {
        try {
            return utf8.reset().decode(ByteBuffer.wrap(buffer, from, to - from)).toString();
        } catch (CharacterCodingException e) {
            return null;
        }
    }

    private boolean isBlank(int from, int to) {
        for (int i = from; i < to; i++) {
            if (buffer[i] != ' ' && buffer[i] != '\t') {
                return false;
            }
        }
        return true;
    }

    private static String tooLong() {
        return "record longer than " + MAX_RECORD_BYTES + " bytes";
    }
}
