package io.lwm2m.provisioning.api.imports;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lwm2m.provisioning.errors.InvalidInputException;
import java.io.ByteArrayInputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.springframework.http.MediaType;

/** The file part of a multipart/form-data body, read as a stream whatever the chunks it arrives in. */
class MultipartUploadTest {

    private static final String BOUNDARY = "----form7MA4YWxkTrZu0gW";
    private static final MediaType TYPE = MediaType.parseMediaType("multipart/form-data; boundary=" + BOUNDARY);

    private static String body(String... parts) {
        StringBuilder body = new StringBuilder("preamble a client may send\r\n");
        for (String part : parts) {
            body.append("--").append(BOUNDARY).append("\r\n").append(part).append("\r\n");
        }
        return body.append("--").append(BOUNDARY).append("--\r\n").toString();
    }

    private static String file(String name, String type, String content) {
        return "Content-Disposition: form-data; name=\"file\"; filename=\"" + name + "\"\r\n"
                + (type == null ? "" : "Content-Type: " + type + "\r\n") + "\r\n" + content;
    }

    /** Hands the body over a few bytes at a time, as a slow network would. */
    private static InputStream trickle(String body, int step) {
        return new FilterInputStream(new ByteArrayInputStream(body.getBytes(StandardCharsets.UTF_8))) {
            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                return super.read(b, off, Math.min(len, step));
            }
        };
    }

    private static String read(MultipartUpload upload) throws IOException {
        return new String(upload.content().readAllBytes(), StandardCharsets.UTF_8);
    }

    @Test
    void theFilePartIsReadWholeAfterOtherFieldsWhateverTheChunking() throws IOException {
        String csv = "endpoint,profile,mode\r\nurn:dev:1,p,psk\r\n\r\n--not-the-boundary\r\nurn:dev:2,p,psk\r\n";
        String body = body("Content-Disposition: form-data; name=\"note\"\r\n\r\nline 7", file("devices.csv", "text/csv", csv));
        for (int step : new int[] {1, 2, 3, 7, 64, 100_000}) {
            MultipartUpload upload = MultipartUpload.open(trickle(body, step), TYPE);
            assertThat(upload.format()).isEqualTo("CSV");
            assertThat(read(upload)).as("chunks of " + step).isEqualTo(csv);
        }
    }

    @Test
    void theFormatComesFromThePartsTypeElseItsFileName() throws IOException {
        assertThat(MultipartUpload.open(trickle(body(file("x.bin", "application/x-ndjson", "{}")), 5), TYPE).format())
                .isEqualTo("NDJSON");
        assertThat(MultipartUpload.open(trickle(body(file("line.jsonl", "application/octet-stream", "{}")), 5), TYPE).format())
                .isEqualTo("NDJSON");
        assertThat(MultipartUpload.open(trickle(body(file("line.CSV", null, "a")), 5), TYPE).format()).isEqualTo("CSV");
        MultipartUpload unknown = MultipartUpload.open(trickle(body(file("devices.xlsx", "application/octet-stream", "a")), 5), TYPE);
        assertThatThrownBy(unknown::format).isInstanceOf(InvalidInputException.class).hasMessageContaining("text/csv");
    }

    @Test
    void aBodyWithoutAFilePartNamesTheMissingPart() {
        String body = body("Content-Disposition: form-data; name=\"other\"\r\n\r\nvalue");
        assertThatThrownBy(() -> MultipartUpload.open(trickle(body, 9), TYPE)).isInstanceOf(InvalidInputException.class)
                .satisfies(e -> assertThat(((InvalidInputException) e).problems().get(0).field()).isEqualTo("file"));
    }

    @Test
    void aBodyCutOffInsideTheFileIsRefusedNotTakenAsTheWholeFile() throws IOException {
        String cut = "--" + BOUNDARY + "\r\n" + file("d.csv", "text/csv", "endpoint,profile,mode\r\nurn:dev:1,p,psk\r\nurn:dev:2");
        MultipartUpload upload = MultipartUpload.open(trickle(cut, 4), TYPE);
        assertThatThrownBy(upload.content()::readAllBytes).isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("closing boundary");
    }

    @Test
    void aContentTypeWithoutABoundaryIsRefused() {
        assertThatThrownBy(() -> MultipartUpload.open(trickle("x", 1), MediaType.MULTIPART_FORM_DATA))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("boundary");
    }
}
