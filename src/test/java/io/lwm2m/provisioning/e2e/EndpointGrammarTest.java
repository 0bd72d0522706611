package io.lwm2m.provisioning.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * The endpoint grammar (decision 030, issue 15 item 5): what it refuses at creation and import,
 * and that every name it accepts stays addressable: read, disabled, found by filter, deleted.
 */
class EndpointGrammarTest {

    /** The names the issue found registered but unreachable, and their kin. */
    private static final List<String> REFUSED = List.of(".", "..", "rt%2e", "rta%2fb", "rtcf-;x", "rtx%y", "rtx\\y", "rt\u202ex",
            "a/b", "a b", "a?b", "a#b", "a&b", "a=b", "a+b", "-leading-dash", "~x", "gerät", "а-cyrillic", "x".repeat(65), "",
            "tab\tx", "nul\u0000x");

    private static TestServer server;
    private static String dm;
    private static String profile;

    @BeforeAll
    static void start() {
        server = TestServer.shared();
        dm = Fixtures.server(server, "coaps://dm.example:5684", 161, 300, "U", "PSK", true);
        profile = Imports.profile(server, dm);
    }

    @Test
    void namesThatWouldBeUnaddressableAreRefusedAtCreation() {
        for (String endpoint : REFUSED) {
            TestServer.ApiResponse refused = server.call("POST", "/api/v1/devices", """
                    {"endpoint":%s,"servers":["%s"],"bootstrapCredential":{"mode":"PSK"}}""".formatted(json(endpoint), dm));
            assertThat(refused.status()).as(endpoint + ": " + refused).isEqualTo(400);
            assertThat(refused.json().get("errors").get(0).get("field").asString()).as(refused.toString()).isEqualTo("endpoint");
        }
        assertThat(server.call("POST", "/api/v1/devices", """
                {"endpoint":"rtx\\\\y","servers":["%s"],"bootstrapCredential":{"mode":"PSK"}}""".formatted(dm)).json()
                .get("errors").get(0).get("message").asString()).startsWith("must be 1-64 ASCII letters, digits");
    }

    @Test
    void namesThatWouldBeUnaddressableAreRefusedByTheImport() throws Exception {
        StringBuilder ndjson = new StringBuilder();
        for (String endpoint : REFUSED) {
            ndjson.append("{\"endpoint\":").append(json(endpoint)).append(",\"profile\":\"").append(profile)
                    .append("\",\"mode\":\"psk\"}\n");
        }
        TestServer.ApiResponse accepted = Imports.upload(server, "application/x-ndjson", ndjson.toString().getBytes(StandardCharsets.UTF_8), "");
        JsonNode job = Imports.await(server, accepted.json().get("id").asString(), Duration.ofSeconds(60));
        assertThat(job.get("rows").get("created").asLong()).isZero();
        Map<Long, JsonNode> invalid = Imports.rows(server, job.get("id").asString(), "invalid");
        assertThat(invalid).hasSize(REFUSED.size());
        invalid.values().forEach(row -> assertThat(row.get("reason").asString()).startsWith("endpoint: "));
    }

    /** Each accepted shape registered by the API and by the import, then read, filtered, disabled, enabled and deleted. */
    @Test
    void everyAcceptedNameRoundTripsThroughTheApi() throws Exception {
        String tag = Long.toString(ProcessHandle.current().pid()) + System.nanoTime() % 100_000;
        List<String> accepted = List.of("urn:imei:35693803564" + tag, "urn:imei-imsi:3569380356438" + tag + "-262011234567890",
                "urn:uuid:f81d4fae-7dec-11d0-a765-" + tag, "urn:dev:mac:0024befffe80" + tag, "urn:dev:ops:32473-Refrigerator-" + tag,
                "urn:dev:os:32473-" + tag, "26201" + tag, "00-1B-63-84-45-" + tag, "00:1b:63:84:45:" + tag, "nrf9160dk_nrf9160." + tag,
                "device@site.example~" + tag, "Z" + tag + "x".repeat(64 - 1 - tag.length()));
        StringBuilder csv = new StringBuilder("endpoint,profile,mode\n");
        for (String endpoint : accepted) {
            TestServer.ApiResponse created = server.call("POST", "/api/v1/devices", """
                    {"endpoint":"%s","servers":["%s"],"bootstrapCredential":{"mode":"X509"}}""".formatted(endpoint, dm));
            assertThat(created.status()).as(endpoint + ": " + created).isEqualTo(201);
            Fixtures.Device.of(created.json());
            csv.append(imported(endpoint)).append(',').append(profile).append(",psk\n");
        }
        TestServer.ApiResponse upload = Imports.upload(server, "text/csv", csv.toString().getBytes(StandardCharsets.UTF_8), "");
        JsonNode job = Imports.await(server, upload.json().get("id").asString(), Duration.ofSeconds(60));
        assertThat(job.get("rows").get("created").asLong()).as(job.toString()).isEqualTo(accepted.size());
        for (String endpoint : accepted) {
            roundTrip(endpoint, true);
            roundTrip(imported(endpoint), false);
        }
    }

    /** The name the import registers beside {@code endpoint}, within the grammar's length. */
    private static String imported(String endpoint) {
        return endpoint.length() + 2 > 64 ? "I" + endpoint.substring(1) : "i." + endpoint;
    }

    private static void roundTrip(String endpoint, boolean hasCertificate) {
        String path = "/api/v1/devices/" + endpoint;
        assertThat(server.call("GET", path, null).json().get("endpoint").asString()).isEqualTo(endpoint);
        String encoded = "/api/v1/devices/" + URLEncoder.encode(endpoint, StandardCharsets.UTF_8);
        assertThat(server.call("GET", encoded, null).status()).as(encoded).isEqualTo(200);
        assertThat(server.call("GET", path + "/bootstrap-config", null).status()).isEqualTo(200);
        assertThat(server.call("GET", path + "/sessions", null).status()).isEqualTo(200);
        if (hasCertificate) {
            JsonNode certificates = server.call("GET", "/api/v1/certificates?endpoint=" + endpoint, null).json();
            assertThat(certificates.size()).as(endpoint).isEqualTo(1);
            assertThat(certificates.get(0).get("subject").asString()).contains(endpoint);
        }
        TestServer.ApiResponse disabled = server.call("POST", path + "/disable", "{\"reason\":\"grammar test\"}");
        assertThat(disabled.json().get("state").asString()).as(disabled.toString()).isEqualTo("DISABLED");
        assertThat(server.call("POST", path + "/enable", null).json().get("state").asString()).isEqualTo("ACTIVE");
        TestServer.ApiResponse deleted = server.call("DELETE", path, null);
        assertThat(deleted.json().get("state").asString()).as(deleted.toString()).isEqualTo("DELETED");
        JsonNode audit = server.call("GET", "/api/v1/audit?target=device:" + endpoint + "&action=device.delete", null).json();
        assertThat(audit.size()).as(endpoint).isEqualTo(1);
    }

    private static String json(String text) {
        return TestServer.JSON.writeValueAsString(text);
    }
}
