package io.lwm2m.provisioning.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * What the console needs of the import API, usable by scripts too (issue 16 item 4): a multipart upload,
 * progress as rows done of total and a percentage from the start, the list of jobs, cancelling one; and
 * the list of fleet actions.
 */
class ImportJobsApiTest {

    private static final String BOUNDARY = "----console-test-boundary";
    private static TestServer server;
    private static String profile;

    @BeforeAll
    static void start() {
        server = TestServer.shared();
        String dm = Fixtures.server(server, "coaps://dm.example:5684", 173, 300, "U", "PSK", true);
        profile = Imports.profile(server, dm);
    }

    private static String csv(String prefix, int rows) {
        StringBuilder csv = new StringBuilder("endpoint,profile,mode\n");
        for (int i = 1; i <= rows; i++) {
            csv.append(prefix).append('-').append(i).append(',').append(profile).append(",psk\n");
        }
        return csv.toString();
    }

    private static byte[] multipart(String fileName, String partType, String content) {
        return ("--" + BOUNDARY + "\r\nContent-Disposition: form-data; name=\"comment\"\r\n\r\nline 7, lot 42\r\n"
                + "--" + BOUNDARY + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"" + fileName + "\"\r\n"
                + "Content-Type: " + partType + "\r\n\r\n" + content + "\r\n--" + BOUNDARY + "--\r\n").getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void aFileSentAsAFormPartIsImportedAsIfItWereTheBody() throws Exception {
        String prefix = Fixtures.unique("urn:dev:multipart");
        TestServer.ApiResponse accepted = Imports.upload(server, "multipart/form-data; boundary=" + BOUNDARY,
                multipart("devices.csv", "text/csv", csv(prefix, 25)), "");
        assertThat(accepted.status()).as(accepted.toString()).isEqualTo(202);
        assertThat(accepted.json().get("format").asString()).isEqualTo("CSV");
        JsonNode done = Imports.await(server, accepted.json().get("id").asString(), Duration.ofSeconds(60));
        assertThat(done.get("rows").get("created").asLong()).isEqualTo(25);
        assertThat(server.call("GET", "/api/v1/devices/" + prefix + "-25", null).status()).isEqualTo(200);

        String ndjson = "{\"endpoint\":\"" + prefix + "-n1\",\"profile\":\"" + profile + "\",\"mode\":\"psk\"}\n";
        TestServer.ApiResponse byName = Imports.upload(server, "multipart/form-data; boundary=" + BOUNDARY,
                multipart("line-7.ndjson", "application/octet-stream", ndjson), "?dryRun=true");
        assertThat(byName.status()).as(byName.toString()).isEqualTo(202);
        assertThat(byName.json().get("format").asString()).isEqualTo("NDJSON");
    }

    @Test
    void aFormWithoutTheFilePartOrAFileOfAnotherKindIsRefusedNamingTheField() {
        byte[] noFile = ("--" + BOUNDARY + "\r\nContent-Disposition: form-data; name=\"comment\"\r\n\r\nx\r\n--" + BOUNDARY + "--\r\n")
                .getBytes(StandardCharsets.UTF_8);
        TestServer.ApiResponse missing = Imports.upload(server, "multipart/form-data; boundary=" + BOUNDARY, noFile, "");
        assertThat(missing.status()).isEqualTo(400);
        assertThat(missing.json().get("errors").get(0).get("field").asString()).isEqualTo("file");
        TestServer.ApiResponse spreadsheet = Imports.upload(server, "multipart/form-data; boundary=" + BOUNDARY,
                multipart("devices.xlsx", "application/vnd.ms-excel", "PK..."), "");
        assertThat(spreadsheet.status()).isEqualTo(400);
        assertThat(spreadsheet.json().get("errors").get(0).get("message").asString()).contains("text/csv");
    }

    @Test
    void progressCountsTheUploadsRowsFromTheStartAndEndsAtOneHundredPercent() throws Exception {
        TestServer.ApiResponse accepted = Imports.upload(server, "text/csv",
                csv(Fixtures.unique("urn:dev:progress"), 3_000).getBytes(StandardCharsets.UTF_8), "");
        JsonNode progress = accepted.json().get("progress");
        assertThat(progress.get("rowsTotal").asLong()).as("counted as the upload arrived").isEqualTo(3_000);
        assertThat(progress.get("percent").asInt()).isBetween(0, 99);
        JsonNode done = Imports.await(server, accepted.json().get("id").asString(), Duration.ofSeconds(90));
        assertThat(done.get("progress").get("rowsDone").asLong()).isEqualTo(3_000);
        assertThat(done.get("progress").get("rowsTotal").asLong()).isEqualTo(3_000);
        assertThat(done.get("progress").get("percent").asInt()).isEqualTo(100);
    }

    @Test
    void jobsAreListedNewestFirstByStateAPageAtATime() throws Exception {
        List<String> ids = new java.util.ArrayList<>();
        for (int i = 0; i < 3; i++) {
            TestServer.ApiResponse accepted = Imports.upload(server, "text/csv",
                    csv(Fixtures.unique("urn:dev:listed"), 2).getBytes(StandardCharsets.UTF_8), "?dryRun=true");
            ids.add(0, accepted.json().get("id").asString());
            Imports.await(server, accepted.json().get("id").asString(), Duration.ofSeconds(60));
        }
        List<JsonNode> paged = Http.walk(server, "/api/v1/imports?state=SUCCEEDED&limit=2");
        List<String> listed = paged.stream().map(j -> j.get("id").asString()).toList();
        assertThat(listed).containsSubsequence(ids);
        assertThat(paged.stream().map(j -> j.get("createdAt").asString()).toList()).isSortedAccordingTo(java.util.Comparator.reverseOrder());
        assertThat(paged).allSatisfy(j -> assertThat(j.get("state").asString()).isEqualTo("SUCCEEDED"));
        assertThat(Http.walk(server, "/api/v1/imports?limit=1000")).hasSizeGreaterThanOrEqualTo(paged.size());
        TestServer.ApiResponse bad = server.call("GET", "/api/v1/imports?state=DONE", null);
        assertThat(bad.status()).isEqualTo(400);
        assertThat(bad.json().get("errors").get(0).get("field").asString()).isEqualTo("state");
    }

    @Test
    void aRunningJobIsCancelledKeepingTheRowsItCommittedAndAQueuedOneBeforeItStarts() throws Exception {
        String prefix = Fixtures.unique("urn:dev:cancelled");
        String never = Fixtures.unique("urn:dev:never");
        String runningId = Imports.upload(server, "text/csv", csv(prefix, 60_000).getBytes(StandardCharsets.UTF_8), "")
                .json().get("id").asString();
        String queuedId = Imports.upload(server, "text/csv", csv(never, 10).getBytes(StandardCharsets.UTF_8), "")
                .json().get("id").asString();
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (server.call("GET", "/api/v1/imports/" + runningId, null).json().get("rows").get("total").asLong() == 0) {
            assertThat(System.nanoTime()).as("the first batch committed").isLessThan(deadline);
            Thread.sleep(50);
        }

        // One import runs at a time here (provisioning.imports.workers), so the second still waits.
        TestServer.ApiResponse waiting = server.call("POST", "/api/v1/imports/" + queuedId + "/cancel", null);
        assertThat(waiting.status()).as(waiting.toString()).isEqualTo(200);
        assertThat(waiting.json().get("state").asString()).isEqualTo("CANCELLED");
        assertThat(waiting.json().get("rows").get("total").asLong()).isZero();

        TestServer.ApiResponse auditor = server.call("POST", "/api/v1/imports/" + runningId + "/cancel", null,
                ApiKeys.bearer(server, "auditor"));
        assertThat(auditor.status()).isEqualTo(403);
        TestServer.ApiResponse cancelled = server.call("POST", "/api/v1/imports/" + runningId + "/cancel", null);
        assertThat(cancelled.status()).as(cancelled.toString()).isEqualTo(200);
        assertThat(cancelled.json().get("state").asString()).isEqualTo("CANCELLED");
        long committed = cancelled.json().get("rows").get("created").asLong();
        assertThat(committed).as("rows committed before the cancellation").isBetween(1L, 59_999L);
        Thread.sleep(1_500);
        JsonNode after = server.call("GET", "/api/v1/imports/" + runningId, null).json();
        assertThat(after.get("rows").get("created").asLong()).as("nothing committed after it").isEqualTo(committed);
        assertThat(after.get("progress").get("rowsTotal").asLong()).as("what the upload held").isEqualTo(60_000);
        assertThat(after.get("progress").get("percent").asInt()).as("the share it reached").isLessThan(100);
        assertThat(Http.walk(server, "/api/v1/devices?endpointPrefix=" + prefix + "-&limit=1000"))
                .as("the devices registered are exactly the rows counted").hasSize((int) committed);
        TestServer.ApiResponse secrets = server.upload("GET", "/api/v1/imports/" + runningId + "/secrets", null, null);
        assertThat(secrets.status()).as("the committed rows' secrets stay downloadable").isEqualTo(200);
        Imports.secrets(secrets).forEach(row -> TestOutput.rememberSecret(row[5]));
        assertThat(server.call("POST", "/api/v1/imports/" + runningId + "/cancel", null).status())
                .as("a job that has ended cannot be cancelled").isEqualTo(409);

        assertThat(server.call("GET", "/api/v1/imports/" + queuedId, null).json().get("state").asString())
                .as("the queued job never started").isEqualTo("CANCELLED");
        assertThat(server.call("GET", "/api/v1/devices/" + never + "-1", null).status()).isEqualTo(404);
    }

    @Test
    void fleetActionsAreListedNewestFirstWithTheirProgress() {
        String label = "lot=" + Fixtures.unique("empty");
        for (int i = 0; i < 2; i++) {
            TestServer.ApiResponse created = server.call("POST", "/api/v1/fleet-actions",
                    "{\"action\":\"revoke\",\"selector\":{\"label\":\"" + label + "\"},\"target\":\"all\",\"reason\":1}");
            assertThat(created.status()).as(created.toString()).isEqualTo(202);
        }
        List<JsonNode> listed = Http.walk(server, "/api/v1/fleet-actions?limit=1");
        assertThat(listed.stream().filter(a -> a.get("selector").asString().contains(label))).hasSize(2);
        assertThat(listed.stream().map(a -> a.get("createdAt").asString()).toList()).isSortedAccordingTo(java.util.Comparator.reverseOrder());
        assertThat(listed).allSatisfy(a -> assertThat(a.has("percent")).isTrue());
        assertThat(server.call("GET", "/api/v1/fleet-actions?state=nope", null).status()).isEqualTo(400);
        assertThat(server.call("GET", "/api/v1/fleet-actions", null, ApiKeys.bearer(server, "operator")).status()).isEqualTo(403);
    }
}
