package io.lwm2m.provisioning.bench;

import java.io.BufferedWriter;
import java.io.IOException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.function.LongConsumer;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A fleet of devices through the bulk import, as a manufacturing line registers them: a CSV of
 * {@code rows} devices (generated bootstrap PSK, the DM servers of a profile), uploaded to
 * {@code POST /api/v1/imports} and followed to its end. The import benchmark measures this; the
 * bootstrap benchmark uses it to populate the database before measuring ({@code --fleet}).
 */
final class FleetImport {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private FleetImport() {
    }

    /** Writes the CSV: endpoints {@code <prefix>0 .. <prefix>(rows-1)}, PSK, {@code profile}, a lot label per 10,000. */
    static void writeCsv(Path csv, int rows, String endpointPrefix, String profile) throws IOException {
        try (BufferedWriter w = Files.newBufferedWriter(csv, StandardCharsets.UTF_8)) {
            w.write("endpoint,profile,mode,labels\n");
            for (int i = 0; i < rows; i++) {
                w.write(endpointPrefix);
                w.write(Integer.toString(i));
                w.write(',');
                w.write(profile);
                w.write(",psk,line=a;lot=");
                w.write(Integer.toString(i / 10_000));
                w.write('\n');
            }
        }
    }

    /** Uploads {@code csv}; the job's id. */
    static String upload(BenchServer s, Path csv) throws IOException, InterruptedException {
        HttpResponse<String> accepted = s.http().send(s.request("/api/v1/imports").timeout(Duration.ofMinutes(30))
                .header("Content-Type", "text/csv").POST(HttpRequest.BodyPublishers.ofFile(csv)).build(),
                HttpResponse.BodyHandlers.ofString());
        expect(accepted, 202);
        return JSON.readTree(accepted.body()).get("id").asString();
    }

    /** Polls the job every 500 ms until it SUCCEEDED or FAILED; {@code progress} gets the rows done so far. The job's last state. */
    static JsonNode awaitEnd(BenchServer s, String id, LongConsumer progress) throws IOException, InterruptedException {
        while (true) {
            JsonNode job = JSON.readTree(s.api("GET", "/api/v1/imports/" + id, null, Duration.ofSeconds(30)).body());
            String state = job.get("state").asString();
            if (state.equals("SUCCEEDED") || state.equals("FAILED")) {
                return job;
            }
            progress.accept(job.get("rows").get("total").asLong());
            Thread.sleep(500);
        }
    }

    /** The generated secrets were "taken": the server may drop its sealed copy (404: nothing left to drop). */
    static void acknowledgeSecrets(BenchServer s, String id) throws IOException, InterruptedException {
        expect(s.http().send(s.request("/api/v1/imports/" + id + "/secrets/acknowledge")
                .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString()), 204, 404);
    }

    /**
     * After a bulk load PostgreSQL has work of its own to do (statistics, autovacuum of the new rows, a
     * checkpoint of the dirty pages). Done here, before a measurement, instead of inside its window:
     * ANALYZE, VACUUM of the device tables, CHECKPOINT. Returns the devices the database now holds.
     */
    static long settle(BenchServer s) {
        Connection c = s.jdbc().orElseThrow(() -> new IllegalStateException("no JDBC connection to settle PostgreSQL"));
        try (Statement st = c.createStatement()) {
            st.execute("VACUUM (ANALYZE)");
            st.execute("CHECKPOINT");
            try (ResultSet r = st.executeQuery("SELECT count(*) FROM devices")) {
                r.next();
                return r.getLong(1);
            }
        } catch (SQLException e) {
            throw new IllegalStateException("settling PostgreSQL after the import: " + e.getMessage(), e);
        }
    }

    static void expect(HttpResponse<String> response, int... expected) throws IOException {
        for (int e : expected) {
            if (response.statusCode() == e) {
                return;
            }
        }
        throw new IOException("unexpected answer " + response.statusCode() + ": " + response.body());
    }
}
