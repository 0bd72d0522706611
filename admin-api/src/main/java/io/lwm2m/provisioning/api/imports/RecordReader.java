package io.lwm2m.provisioning.api.imports;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Splits an upload into records, byte by byte, keeping the byte offset and line number of each:
 * a CSV record ends at a newline outside double quotes (a quoted PEM spans lines); an NDJSON
 * record at any newline. Each record is decoded as strict UTF-8 on its own, so one bad byte spoils
 * one record, not the file. Holds one record in memory at a time.
 */
final class RecordReader {

    /** Longest record accepted; a longer one is reported and skipped up to its end of line. */
    static final int MAX_RECORD_BYTES = 64 * 1024;

    /**
     * One record: its text (null if {@code problem} is set), its first line, and the byte offset and
     * line number just past it.
     */
    record Record(String text, long line, long endOffset, long nextLine, String problem) {
    }

    private final InputStream in;
    private final boolean quoted;
    private final CharsetDecoder utf8 = StandardCharsets.UTF_8.newDecoder()
            .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT);
    private byte[] buffer = new byte[1024];
    private long offset;
    private long line;

    /**
     * @param in     the upload from {@code offset} on
     * @param quoted CSV (quotes protect newlines) rather than NDJSON
     * @param offset byte offset of the first byte {@code in} yields
     * @param line   line number of that byte
     */
    RecordReader(InputStream in, boolean quoted, long offset, long line) {
        this.in = in;
        this.quoted = quoted;
        this.offset = offset;
        this.line = line;
    }

    /** The next non-blank record, or null at the end of the upload. */
    Record next() throws IOException {
        while (true) {
            long startLine = line;
            int length = 0;
            boolean inQuotes = false;
            boolean oversize = false;
            boolean sawAny = false;
            int b;
            while ((b = in.read()) != -1) {
                sawAny = true;
                offset++;
                if (b == '\n') {
                    line++;
                    if (!inQuotes || oversize) {
                        break;
                    }
                }
                if (quoted && b == '"') {
                    inQuotes = !inQuotes;
                }
                if (oversize) {
                    continue;
                }
                if (length == MAX_RECORD_BYTES) {
                    oversize = true;
                    continue;
                }
                if (length == buffer.length) {
                    buffer = Arrays.copyOf(buffer, Math.min(buffer.length * 2, MAX_RECORD_BYTES));
                }
                buffer[length++] = (byte) b;
            }
            if (!sawAny) {
                return null;
            }
            if (oversize) {
                return new Record(null, startLine, offset, line, "record longer than " + MAX_RECORD_BYTES + " bytes");
            }
            if (length > 0 && buffer[length - 1] == '\r') {
                length--;
            }
            if (b == -1 && inQuotes) {
                return new Record(null, startLine, offset, line, "unterminated quoted field at the end of the upload");
            }
            if (isBlank(length)) {
                if (b == -1) {
                    return null;
                }
                continue;
            }
            try {
                CharBuffer text = utf8.reset().decode(ByteBuffer.wrap(buffer, 0, length));
                return new Record(text.toString(), startLine, offset, line, null);
            } catch (CharacterCodingException e) {
                return new Record(null, startLine, offset, line, "not valid UTF-8");
            }
        }
    }

    long offset() {
        return offset;
    }

    long line() {
        return line;
    }

    private boolean isBlank(int length) {
        for (int i = 0; i < length; i++) {
            if (buffer[i] != ' ' && buffer[i] != '\t') {
                return false;
            }
        }
        return true;
    }
}
