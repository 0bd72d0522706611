package io.lwm2m.provisioning.cli.admin;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.TreeMap;
import tools.jackson.databind.JsonNode;

/** The end of an import: its state and counts, and the refused rows by line with their reasons. */
final class ImportReport {

    private final AdminApi api;
    private final PrintWriter out;
    private final int maxErrors;

    ImportReport(AdminApi api, PrintWriter out, int maxErrors) {
        this.api = api;
        this.out = out;
        this.maxErrors = maxErrors;
    }

    /** Prints the job's outcome; true when it succeeded and refused no row. */
    boolean print(JsonNode job, String id) {
        JsonNode rows = job.path("rows");
        long refused = rows.path("invalid").asLong() + rows.path("conflict").asLong();
        boolean dryRun = job.path("dryRun").asBoolean();
        out.printf("%s%s: %d rows, %d %s, %d already there (identical), %d conflicting, %d invalid%n", job.get("state").asString(),
                dryRun ? " (dry run: nothing was created)" : "", rows.path("total").asLong(), rows.path("created").asLong(),
                dryRun ? "would be created" : "created", rows.path("existsIdentical").asLong(), rows.path("conflict").asLong(),
                rows.path("invalid").asLong());
        if (job.hasNonNull("error")) {
            out.println("The job failed: " + job.get("error").asString());
        }
        if (refused > 0) {
            printRefused(id, refused);
        }
        return "SUCCEEDED".equals(job.get("state").asString()) && refused == 0;
    }

    private void printRefused(String id, long refused) {
        Map<Long, JsonNode> byLine = new TreeMap<>();
        for (String outcome : new String[] {"invalid", "conflict"}) {
            HttpResponse<InputStream> response = api.stream("api/v1/imports/" + id + "/rows?outcome=" + outcome, "application/x-ndjson");
            try (BufferedReader reader = new BufferedReader(new InputStreamReader(response.body(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = reader.readLine()) != null) {
                    if (!line.isBlank()) {
                        JsonNode row = AdminApi.JSON.readTree(line);
                        byLine.put(row.get("line").asLong(), row);
                    }
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        out.println("Refused rows (line: endpoint: outcome: reason):");
        byLine.values().stream().limit(maxErrors).forEach(row -> out.printf("  line %d: %s: %s: %s%n", row.get("line").asLong(),
                row.path("endpoint").asString(""), row.get("outcome").asString(), row.path("reason").asString("")));
        if (refused > maxErrors) {
            out.printf("  ... and %d more: GET /api/v1/imports/%s/rows?outcome=invalid (and conflict)%n", refused - maxErrors, id);
        }
    }
}
