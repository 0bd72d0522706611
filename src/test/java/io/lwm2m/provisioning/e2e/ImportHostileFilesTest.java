package io.lwm2m.provisioning.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * Broken CSV and NDJSON files lose no row and hide none (issue 15, item 6): every row is imported
 * or reported with its line, a stray quote spoils one record only (decision 031), a UTF-8 byte
 * order mark is accepted, control and bidirectional characters are refused instead of trimmed.
 */
class ImportHostileFilesTest {

    private static TestServer server;
    private static String profile;

    @BeforeAll
    static void start() {
        server = TestServer.shared();
        String dm = Fixtures.server(server, "coaps://dm.example:5684", 151, 300, "U", "PSK", true);
        profile = Imports.profile(server, dm);
    }

    @Test
    void aStrayQuoteOnLineElevenSpoilsThatRowOnly() throws Exception {
        String prefix = Fixtures.unique("sq");
        StringBuilder csv = new StringBuilder("endpoint,profile,mode,psk_identity,psk_key,labels\n");
        for (int i = 0; i < 1000; i++) {
            csv.append(i == 9 ? prefix + "-0009x\"," + profile + ",psk,,," : prefix + "-" + i + "," + profile + ",psk,,,").append('\n');
        }
        JsonNode job = run("text/csv", csv.toString().getBytes(StandardCharsets.UTF_8));
        assertThat(job.get("state").asString()).isEqualTo("SUCCEEDED");
        assertThat(job.get("rows").get("total").asLong()).isEqualTo(1000);
        assertThat(job.get("rows").get("created").asLong()).isEqualTo(999);
        assertThat(job.get("rows").get("invalid").asLong()).isEqualTo(1);
        Map<Long, JsonNode> invalid = Imports.rows(server, job.get("id").asString(), "invalid");
        assertThat(invalid.keySet()).containsExactly(11L);
        assertThat(invalid.get(11L).get("reason").asString()).contains("'\"' inside unquoted field 1");
        assertThat(server.call("GET", "/api/v1/devices/" + prefix + "-10", null).status()).isEqualTo(200);
        assertThat(server.call("GET", "/api/v1/devices/" + prefix + "-999", null).status()).isEqualTo(200);
    }

    @Test
    void aStrayOpeningQuoteIsReportedAndTheRowsAfterItAreImported() throws Exception {
        String prefix = Fixtures.unique("sq-open");
        StringBuilder csv = new StringBuilder("endpoint,profile,mode\n");
        for (int i = 0; i < 100; i++) {
            csv.append(i == 9 ? "\"" : "").append(prefix).append('-').append(i).append(',').append(profile).append(",psk\n");
        }
        JsonNode job = run("text/csv", csv.toString().getBytes(StandardCharsets.UTF_8));
        assertThat(job.get("rows").get("total").asLong()).isEqualTo(100);
        assertThat(job.get("rows").get("created").asLong()).isEqualTo(99);
        assertThat(Imports.rows(server, job.get("id").asString(), "invalid").keySet()).containsExactly(11L);
    }

    @Test
    void aByteOrderMarkIsAccepted() throws Exception {
        String endpoint = Fixtures.unique("bom");
        byte[] csv = ("\ufeffendpoint,profile,mode\n" + endpoint + "," + profile + ",psk\n").getBytes(StandardCharsets.UTF_8);
        JsonNode job = run("text/csv", csv);
        assertThat(job.get("rows").get("created").asLong()).as(job.toString()).isEqualTo(1);
        byte[] ndjson = ("\ufeff{\"endpoint\":\"" + endpoint + "-nd\",\"profile\":\"" + profile + "\",\"mode\":\"psk\"}\n")
                .getBytes(StandardCharsets.UTF_8);
        assertThat(run("application/x-ndjson", ndjson).get("rows").get("created").asLong()).isEqualTo(1);
    }

    @Test
    void controlAndBidiCharactersAreRefusedNotTrimmed() throws Exception {
        String prefix = Fixtures.unique("cf");
        String csv = "endpoint,profile,mode,labels\n"
                + prefix + "-a18\u0001," + profile + ",psk,\n"
                + prefix + "-b\u202e," + profile + ",psk,\n"
                + prefix + "-c," + profile + "\u0000,psk,\n"
                + prefix + "-d," + profile + ",psk,lot=1\u001f\n"
                + prefix + "-e," + profile + ",psk\u000b,\n"
                + prefix + "-ok ," + profile + ",psk, lot=2 \n";
        JsonNode job = run("text/csv", csv.getBytes(StandardCharsets.UTF_8));
        assertThat(job.get("rows").get("created").asLong()).as(job.toString()).isEqualTo(1);
        Map<Long, JsonNode> invalid = Imports.rows(server, job.get("id").asString(), "invalid");
        assertThat(invalid.keySet()).containsExactly(2L, 3L, 4L, 5L, 6L);
        assertThat(invalid.get(2L).get("reason").asString()).startsWith("endpoint: must be 1-64 ASCII letters");
        assertThat(invalid.get(3L).get("reason").asString()).startsWith("endpoint: must be 1-64 ASCII letters");
        assertThat(invalid.get(4L).get("reason").asString()).startsWith("profile: ");
        assertThat(invalid.get(5L).get("reason").asString()).startsWith("labels: ");
        assertThat(invalid.get(6L).get("reason").asString()).startsWith("mode: ");
        assertThat(server.call("GET", "/api/v1/devices/" + prefix + "-a18", null).status()).isEqualTo(404);
        assertThat(server.call("GET", "/api/v1/devices/" + prefix + "-ok", null).json().get("endpoint").asString())
                .isEqualTo(prefix + "-ok");
    }

    @Test
    void ndjsonRefusesTheSameInputs() throws Exception {
        String prefix = Fixtures.unique("nd");
        ByteArrayOutputStream ndjson = new ByteArrayOutputStream();
        ndjson.writeBytes(line("{\"endpoint\":\"" + prefix + "-a\\u0001\",\"profile\":\"" + profile + "\",\"mode\":\"psk\"}"));
        ndjson.writeBytes(line("{\"endpoint\":\"" + prefix + "-b\\u202e\",\"profile\":\"" + profile + "\",\"mode\":\"psk\"}"));
        ndjson.writeBytes(line("{\"endpoint\":\"" + prefix + "-c\",\"profile\":\"" + profile + "\\u0000\",\"mode\":\"psk\"}"));
        ndjson.writeBytes(line("{\"endpoint\":\"" + prefix + "-d\",\"profile\":\"" + profile + "\",\"mode\":\"psk\",\"labels\":[\"a\\tb\"]}"));
        ndjson.writeBytes(line("{\"endpoint\":\"" + prefix + "-e\",\"profile\":\"" + profile + "\",\"mode\":\"psk\"\"}"));
        ndjson.writeBytes(new byte[] {'{', '"', (byte) 0xc3, '"', '}', '\n'});
        ndjson.writeBytes(line("{\"endpoint\":\"" + prefix + "-f\",\"profile\":\"" + profile + "\",\"mode\":\"psk\",\"psk_identity\":\"id\\u0085\",\"psk_key\":\"00112233445566778899aabbccddeeff\"}"));
        ndjson.writeBytes(line("{\"endpoint\":\"" + prefix + "-ok\",\"profile\":\"" + profile + "\",\"mode\":\"psk\"}"));
        JsonNode job = run("application/x-ndjson", ndjson.toByteArray());
        assertThat(job.get("rows").get("total").asLong()).isEqualTo(8);
        assertThat(job.get("rows").get("created").asLong()).as(job.toString()).isEqualTo(1);
        Map<Long, JsonNode> invalid = Imports.rows(server, job.get("id").asString(), "invalid");
        assertThat(invalid.keySet()).containsExactly(1L, 2L, 3L, 4L, 5L, 6L, 7L);
        assertThat(invalid.get(1L).get("reason").asString()).startsWith("endpoint: ");
        assertThat(invalid.get(2L).get("reason").asString()).startsWith("endpoint: ");
        assertThat(invalid.get(3L).get("reason").asString()).startsWith("profile: ");
        assertThat(invalid.get(4L).get("reason").asString()).startsWith("labels: ");
        assertThat(invalid.get(6L).get("reason").asString()).isEqualTo("not valid UTF-8");
        assertThat(invalid.get(7L).get("reason").asString()).startsWith("psk_identity: ");
    }

    private static byte[] line(String json) {
        return (json + "\n").getBytes(StandardCharsets.UTF_8);
    }

    private static JsonNode run(String contentType, byte[] body) throws InterruptedException {
        TestServer.ApiResponse accepted = Imports.upload(server, contentType, body, "");
        assertThat(accepted.status()).as(accepted.toString()).isEqualTo(202);
        return Imports.await(server, accepted.json().get("id").asString(), Duration.ofSeconds(60));
    }
}
