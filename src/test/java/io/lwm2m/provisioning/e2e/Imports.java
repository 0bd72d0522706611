package io.lwm2m.provisioning.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.JsonNode;

/** Helpers for the bulk import tests: profiles, uploads, waiting for a job, reading its results. */
final class Imports {

    private Imports() {
    }

    /** A profile with the given DM servers (201 expected); returns its name. */
    static String profile(TestServer server, String... dmServers) {
        String name = Fixtures.unique("import-profile");
        StringBuilder servers = new StringBuilder();
        for (String s : dmServers) {
            servers.append(servers.isEmpty() ? "" : ",").append("{\"server\":\"").append(s).append("\"}");
        }
        TestServer.ApiResponse created = server.call("POST", "/api/v1/profiles",
                "{\"name\":\"" + name + "\",\"definition\":{\"servers\":[" + servers + "]}}");
        assertThat(created.status()).as(created.toString()).isEqualTo(201);
        return name;
    }

    static TestServer.ApiResponse upload(TestServer server, String contentType, byte[] body, String query, String... headers) {
        return server.upload("POST", "/api/v1/imports" + query, contentType, body, headers);
    }

    /** Polls the job until it ends; fails after {@code timeout}. */
    static JsonNode await(TestServer server, String id, Duration timeout) throws InterruptedException {
        Instant deadline = Instant.now().plus(timeout);
        while (true) {
            TestServer.ApiResponse job = server.call("GET", "/api/v1/imports/" + id, null);
            assertThat(job.status()).as(job.toString()).isEqualTo(200);
            String state = job.json().get("state").asString();
            if (state.equals("SUCCEEDED") || state.equals("FAILED") || state.equals("CANCELLED")) {
                return job.json();
            }
            assertThat(Instant.now()).as("job " + id + " still " + state + ": " + job.body()).isBefore(deadline);
            Thread.sleep(200);
        }
    }

    /** Every result row of one outcome (null: all), by line, streamed as NDJSON. */
    static Map<Long, JsonNode> rows(TestServer server, String id, String outcome) {
        TestServer.ApiResponse response = server.upload("GET", "/api/v1/imports/" + id + "/rows"
                + (outcome == null ? "" : "?outcome=" + outcome), null, null, "Accept", "application/x-ndjson");
        assertThat(response.status()).as(response.toString()).isEqualTo(200);
        Map<Long, JsonNode> byLine = new LinkedHashMap<>();
        for (String line : response.body().split("\n")) {
            if (!line.isBlank()) {
                JsonNode row = TestServer.JSON.readTree(line);
                byLine.put(row.get("line").asLong(), row);
            }
        }
        return byLine;
    }

    /** The secrets CSV as rows of fields (header left out). */
    static List<String[]> secrets(TestServer.ApiResponse response) {
        List<String[]> rows = new ArrayList<>();
        String[] lines = response.body().split("\n");
        assertThat(lines[0]).isEqualTo("line,endpoint,server,mode,psk_identity,psk_key,private_key,certificate");
        for (int i = 1; i < lines.length; i++) {
            rows.add(lines[i].split(",", -1));
        }
        return rows;
    }
}
