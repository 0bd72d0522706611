package io.lwm2m.provisioning.api.imports;

import io.lwm2m.provisioning.errors.InvalidInputException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.springframework.http.MediaType;

/**
 * The file part of a {@code multipart/form-data} upload (RFC 7578), read as a stream: the parts
 * before it are skipped, its content is handed on as it arrives and never held whole, in memory
 * or on disk (the servlet container's multipart support would write it to a temporary file, in
 * clear, and a row may carry a PSK key). Browsers and generated API clients send a file this way.
 */
final class MultipartUpload {

    static final String FILE_PART = "file";
    private static final int MAX_HEADER_BYTES = 8 * 1024;
    private static final int MAX_SKIPPED_PART_BYTES = 64 * 1024;
    private static final Pattern NAME = Pattern.compile("(?i);\\s*name=\"([^\"]*)\"");
    private static final Pattern FILENAME = Pattern.compile("(?i);\\s*filename=\"([^\"]*)\"");

    private final Delimited body;
    private String fileName;
    private String contentType;

    private MultipartUpload(InputStream in, String boundary) {
        this.body = new Delimited(in, ("\r\n--" + boundary).getBytes(StandardCharsets.ISO_8859_1));
    }

    /**
     * Reads up to the part named {@value #FILE_PART} and returns the upload positioned at its
     * content; 400 naming the rule when the body has no such part or is not multipart as declared.
     */
    static MultipartUpload open(InputStream in, MediaType type) throws IOException {
        String boundary = type.getParameter("boundary");
        if (boundary == null || boundary.isEmpty() || boundary.length() > 70) {
            throw new InvalidInputException("Content-Type", "multipart/form-data needs a boundary parameter of 1-70 characters");
        }
        MultipartUpload upload = new MultipartUpload(in, boundary.startsWith("\"") ? boundary.replace("\"", "") : boundary);
        upload.findFilePart();
        return upload;
    }

    /** The file part's content, up to the delimiter after it. */
    InputStream content() {
        return body;
    }

    /**
     * CSV or NDJSON, from the part's Content-Type or else its file name ({@code .csv}, {@code .ndjson},
     * {@code .jsonl}); 415-worthy when neither tells.
     */
    String format() {
        if (contentType != null) {
            MediaType type = MediaType.parseMediaType(contentType);
            if (type.isCompatibleWith(MediaType.parseMediaType("text/csv"))) {
                return "CSV";
            }
            if (type.isCompatibleWith(MediaType.parseMediaType(ImportsController.NDJSON))) {
                return "NDJSON";
            }
        }
        String name = fileName == null ? "" : fileName.toLowerCase(Locale.ROOT);
        if (name.endsWith(".csv")) {
            return "CSV";
        }
        if (name.endsWith(".ndjson") || name.endsWith(".jsonl")) {
            return "NDJSON";
        }
        throw new InvalidInputException(FILE_PART, "must be text/csv or application/x-ndjson (or a file named *.csv, *.ndjson"
                + " or *.jsonl)");
    }

    private void findFilePart() throws IOException {
        body.drain(Long.MAX_VALUE); // the preamble, before the first delimiter
        while (body.nextPart()) {
            String headers = readHeaders();
            Matcher name = NAME.matcher(headers);
            if (name.find() && FILE_PART.equals(name.group(1))) {
                Matcher file = FILENAME.matcher(headers);
                fileName = file.find() ? file.group(1) : null;
                contentType = header(headers, "content-type");
                return;
            }
            if (body.drain(MAX_SKIPPED_PART_BYTES) > MAX_SKIPPED_PART_BYTES) {
                throw new InvalidInputException("body", "a form field before the '" + FILE_PART + "' part is longer than "
                        + MAX_SKIPPED_PART_BYTES + " bytes");
            }
        }
        throw new InvalidInputException(FILE_PART, "is required: send the CSV or NDJSON file as the form part named '"
                + FILE_PART + "'");
    }

    private String readHeaders() throws IOException {
        ByteArrayOutputStream headers = new ByteArrayOutputStream();
        int b;
        while ((b = body.readRaw()) != -1) {
            headers.write(b);
            byte[] bytes = headers.toByteArray();
            int n = bytes.length;
            if (n >= 4 && bytes[n - 4] == '\r' && bytes[n - 3] == '\n' && bytes[n - 2] == '\r' && bytes[n - 1] == '\n'
                    || n == 2 && bytes[0] == '\r' && bytes[1] == '\n') {
                return headers.toString(StandardCharsets.UTF_8);
            }
            if (n > MAX_HEADER_BYTES) {
                break;
            }
        }
        throw new InvalidInputException("body", "a part's headers are missing, unterminated or longer than " + MAX_HEADER_BYTES
                + " bytes");
    }

    private static String header(String headers, String name) {
        for (String line : headers.split("\r\n")) {
            int colon = line.indexOf(':');
            if (colon > 0 && line.substring(0, colon).trim().equalsIgnoreCase(name)) {
                return line.substring(colon + 1).trim();
            }
        }
        return null;
    }

    /**
     * The body as parts: {@link #read} yields the current part's bytes until the delimiter
     * ({@code CRLF--boundary}), {@link #nextPart} steps over it. The body is read as if it began
     * with CRLF, so that the first delimiter, which has none before it, is found the same way.
     */
    private static final class Delimited extends InputStream {

        private final InputStream in;
        private final byte[] delimiter;
        private final byte[] buffer = new byte[64 * 1024];
        private int start;
        private int end;
        private boolean eof;
        private boolean atDelimiter;
        private boolean finished;

        Delimited(InputStream in, byte[] delimiter) {
            this.in = in;
            this.delimiter = delimiter;
            buffer[0] = '\r';
            buffer[1] = '\n';
            end = 2;
        }

        /** Steps over the delimiter the current part ended at; false at the closing delimiter or the body's end. */
        boolean nextPart() throws IOException {
            if (!atDelimiter || finished) {
                return false;
            }
            start += delimiter.length;
            atDelimiter = false;
            fill(2);
            if (end - start >= 2 && buffer[start] == '-' && buffer[start + 1] == '-') {
                finished = true;
                return false;
            }
            while (fill(1) && buffer[start] != '\n') {
                start++; // transport padding and the CRLF after the delimiter
            }
            if (end > start) {
                start++;
                return true;
            }
            return false;
        }

        /** Skips the rest of the current part; returns how many bytes that was (stopping after {@code limit} + 1). */
        long drain(long limit) throws IOException {
            byte[] scratch = new byte[8192];
            long skipped = 0;
            int n;
            while (skipped <= limit && (n = read(scratch, 0, scratch.length)) != -1) {
                skipped += n;
            }
            return skipped;
        }

        /** One byte of a part's headers (they are read before its content, and cannot hold the delimiter). */
        int readRaw() throws IOException {
            return fill(1) ? buffer[start++] & 0xff : -1;
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            return read(one, 0, 1) == -1 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (len == 0) {
                return 0;
            }
            while (!atDelimiter) {
                fill(delimiter.length);
                if (start == end) {
                    throw new InvalidInputException("body", "the multipart body ends without its closing boundary");
                }
                int candidate = indexOf((byte) '\r', start, end);
                if (candidate == start) {
                    if (end - start < delimiter.length && eof) {
                        throw new InvalidInputException("body", "the multipart body ends without its closing boundary");
                    }
                    if (Arrays.equals(buffer, start, start + delimiter.length, delimiter, 0, delimiter.length)) {
                        atDelimiter = true;
                        return -1;
                    }
                    candidate = indexOf((byte) '\r', start + 1, end);
                }
                int available = (candidate < 0 ? end : candidate) - start;
                int n = Math.min(len, available);
                System.arraycopy(buffer, start, b, off, n);
                start += n;
                return n;
            }
            return -1;
        }

        private int indexOf(byte value, int from, int to) {
            for (int i = from; i < to; i++) {
                if (buffer[i] == value) {
                    return i;
                }
            }
            return -1;
        }

        /** Makes at least {@code wanted} bytes available unless the body ends first; false if none are. */
        private boolean fill(int wanted) throws IOException {
            if (end - start >= wanted) {
                return true;
            }
            if (start > 0) {
                System.arraycopy(buffer, start, buffer, 0, end - start);
                end -= start;
                start = 0;
            }
            while (!eof && end - start < wanted) {
                int n = in.read(buffer, end, buffer.length - end);
                if (n < 0) {
                    eof = true;
                } else {
                    end += n;
                }
            }
            return end > start;
        }
    }
}
