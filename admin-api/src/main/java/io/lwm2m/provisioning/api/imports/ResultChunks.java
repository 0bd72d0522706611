package io.lwm2m.provisioning.api.imports;

import io.lwm2m.provisioning.bootstrap.credentials.NewCredential;
import io.lwm2m.provisioning.bootstrap.devices.BatchResult;
import io.lwm2m.provisioning.bootstrap.devices.IssuedCredential;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.zip.Deflater;
import java.util.zip.GZIPOutputStream;
import tools.jackson.core.JsonGenerator;
import tools.jackson.databind.ObjectWriter;
import tools.jackson.databind.json.JsonMapper;

/**
 * How a batch's results are stored: per-row results as gzipped JSON lines, and the secrets file's
 * lines (one CSV line per generated secret), sealed per chunk under {@link #secretsContext}.
 */
final class ResultChunks {

    static final String SECRETS_HEADER = "line,endpoint,server,mode,psk_identity,psk_key,private_key,certificate\n";
    private static final String[] OUTCOME_NAMES = Arrays.stream(BatchResult.Outcome.values())
            .map(ResultChunks::outcomeName).toArray(String[]::new);
    private static final HexFormat HEX = HexFormat.of();

    /** Writes per-row results as JSON lines. */
    private final ObjectWriter resultLines;

    ResultChunks(JsonMapper json) {
        this.resultLines = json.writer().withRootValueSeparator("\n");
    }

    /**
     * A batch's results encoded for storage: the gzipped JSON lines, the secrets file's lines
     * (plain, until they are sealed under the chunk's number) and the counts by outcome.
     */
    record Chunk(List<BatchResult> results, byte[] gzippedResults, StringBuilder secrets, long[] counts) {

        long count(BatchResult.Outcome outcome) {
            return counts[outcome.ordinal()];
        }
    }

    /** @param supplied the lines whose bootstrap key the upload supplied: the secrets file does not repeat it */
    Chunk encode(List<BatchResult> results, Set<Long> supplied) {
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
        return new Chunk(results, gz.toByteArray(), secrets, counts);
    }

    /** The outcome as the API and the metrics name it: {@code exists-identical}. */
    static String outcomeName(BatchResult.Outcome outcome) {
        return outcome.name().toLowerCase().replace('_', '-');
    }

    /** What the secrets of result chunk {@code seq} of a job are sealed under. */
    static String secretsContext(UUID job, int seq) {
        return "import-secrets|" + job + "|" + seq;
    }

    /** Gzip at the fastest level: a batch's results are read back rarely, and written for every batch. */
    private static final class FastGzip extends GZIPOutputStream {
        FastGzip(OutputStream out) throws IOException {
            super(out, 8192);
            def.setLevel(Deflater.BEST_SPEED);
        }
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

    private static String base64(X509Certificate certificate) {
        try {
            return Base64.getEncoder().encodeToString(certificate.getEncoded());
        } catch (CertificateEncodingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String csv(String value) {
        if (value.indexOf(',') < 0 && value.indexOf('"') < 0 && value.indexOf('\n') < 0) {
            return value;
        }
        return '"' + value.replace("\"", "\"\"") + '"';
    }
}
