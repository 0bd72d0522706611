package io.lwm2m.provisioning.api.imports;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The rows an upload holds, counted as its bytes arrive, agree with what the import then reads. */
class RowCounterTest {

    private static long count(String upload, boolean csv, int chunk) {
        byte[] bytes = upload.getBytes(StandardCharsets.UTF_8);
        RowCounter counter = new RowCounter(csv);
        for (int i = 0; i < bytes.length; i += chunk) {
            byte[] part = java.util.Arrays.copyOfRange(bytes, i, Math.min(bytes.length, i + chunk));
            counter.update(part, part.length);
        }
        return counter.rows();
    }

    @Test
    void csvRowsAreRecordsAfterTheHeaderWithQuotedLineBreaksAndBlankLinesAsTheReaderSeesThem() {
        String upload = "endpoint,profile,mode,public_key\r\nurn:dev:1,p,rpk,\"-----BEGIN PUBLIC KEY-----\nMFkw\n-----END PUBLIC KEY-----\"\r\n"
                + "\r\n   \nurn:dev:2,p,psk,\nurn:dev:3,\"p\"\"x\",psk,";
        for (int chunk : new int[] {1, 3, 1024}) {
            assertThat(count(upload, true, chunk)).as("chunks of " + chunk).isEqualTo(3);
        }
    }

    @Test
    void ndjsonRowsAreNonBlankLines() {
        assertThat(count("{\"endpoint\":\"a\"}\n\n{\"endpoint\":\"b\"}\r\n  \n{\"endpoint\":\"c\"}", false, 2)).isEqualTo(3);
        assertThat(count("", false, 1)).isZero();
        assertThat(count("endpoint,profile,mode\n", true, 1)).isZero();
    }
}
