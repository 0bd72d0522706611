package io.lwm2m.provisioning.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.lwm2m.provisioning.e2e.LeshanDevice.Flavour;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.security.KeyPairGenerator;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.util.Base64;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.JdbcTemplate;
import tools.jackson.databind.JsonNode;

/** Bulk import over real HTTP: a factory-sized CSV with broken rows, idempotency, dry runs, the secrets file. */
class ImportEndToEndTest {

    private static final int ROWS = 100_000;

    private static TestServer server;
    private static String dm;
    private static String profile;

    @BeforeAll
    static void start() {
        server = TestServer.shared();
        dm = Fixtures.server(server, "coaps://dm.example:5684", 611, 300, "U", "PSK", true);
        profile = Imports.profile(server, dm);
    }

    /** What a generated file should give: expected outcome and a piece of the reason, by line. */
    private record Expected(String outcome, String reason) {
    }

    @Test
    void aHundredThousandRowsWithBrokenOnesCreateEachGoodRowOnceAndReportEachBadOneByLine() throws Exception {
        String tag = "batch=" + UUID.randomUUID();
        String prefix = Fixtures.unique("urn:dev:imp");
        Map<Long, Expected> broken = new HashMap<>();
        Map<String, byte[]> suppliedKeys = new HashMap<>();
        ByteArrayOutputStream csv = new ByteArrayOutputStream();
        csv.writeBytes("endpoint,profile,mode,psk_identity,psk_key,public_key,labels\n".getBytes(StandardCharsets.UTF_8));
        KeyPairGenerator ec = KeyPairGenerator.getInstance("EC");
        ec.initialize(new ECGenParameterSpec("secp256r1"));
        int generatedSecrets = 0;
        int good = 0;
        String firstSupplied = null;
        long nextLine = 2;
        for (int i = 0; i < ROWS; i++) {
            long line = nextLine++;
            String endpoint = prefix + "-" + i;
            String row;
            if (i % 100 == 50) {
                switch ((i / 100) % 5) {
                    case 0 -> {
                        row = endpoint + "," + profile + ",psk,id-" + endpoint + ",0x12zz,," + tag;
                        broken.put(line, new Expected("invalid", "psk_key: must be hexadecimal"));
                    }
                    case 1 -> {
                        row = prefix + "-" + (i - 1) + "," + profile + ",rpk,,,," + tag;
                        broken.put(line, new Expected("conflict", "also on line " + (line - 1)));
                    }
                    case 2 -> {
                        row = endpoint + ",no-such-profile-" + i + ",psk,,,," + tag;
                        broken.put(line, new Expected("invalid", "no profile named 'no-such-profile-" + i + "'"));
                    }
                    case 3 -> {
                        row = endpoint + "x".repeat(300) + "," + profile + ",psk,,,," + tag;
                        broken.put(line, new Expected("invalid", "endpoint: must be 1-64 ASCII letters"));
                    }
                    default -> {
                        csv.writeBytes((endpoint + "," + profile + ",psk,,,,label-").getBytes(StandardCharsets.UTF_8));
                        csv.write(0xC3);
                        csv.write(0x28);
                        csv.write('\n');
                        broken.put(line, new Expected("invalid", "not valid UTF-8"));
                        continue;
                    }
                }
            } else if (i % 10 == 3) {
                byte[] key = HexFormat.of().parseHex("%032x".formatted(i + 1L << 32 | 0xabcdef));
                suppliedKeys.put(endpoint, key);
                row = endpoint + "," + profile + ",psk,id-" + endpoint + "," + HexFormat.of().formatHex(key) + ",," + tag;
                if (firstSupplied == null) {
                    firstSupplied = endpoint;
                    TestOutput.rememberSecret(HexFormat.of().formatHex(key));
                }
                generatedSecrets += 1;
                good++;
            } else if (i % 5000 == 7) {
                String pem = "-----BEGIN PUBLIC KEY-----\n" + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
                        .encodeToString(ec.generateKeyPair().getPublic().getEncoded()) + "\n-----END PUBLIC KEY-----";
                row = endpoint + "," + profile + ",rpk,,,\"" + pem + "\"," + tag;
                nextLine += pem.chars().filter(c -> c == '\n').count();
                generatedSecrets += 1;
                good++;
            } else {
                row = endpoint + "," + profile + ",psk,,,," + tag + ";line=a";
                generatedSecrets += 2;
                good++;
            }
            csv.writeBytes((row + "\n").getBytes(StandardCharsets.UTF_8));
        }
        byte[] body = csv.toByteArray();
        String supplied = firstSupplied;
        String idempotencyKey = UUID.randomUUID().toString();

        long started = System.nanoTime();
        TestServer.ApiResponse accepted = Imports.upload(server, "text/csv", body, "", "Idempotency-Key", idempotencyKey);
        assertThat(accepted.status()).as(accepted.toString()).isEqualTo(202);
        String id = accepted.json().get("id").asString();
        JsonNode job = Imports.await(server, id, Duration.ofSeconds(60));
        System.out.printf("Imported %d rows in %.1f s%n", ROWS, (System.nanoTime() - started) / 1e9);

        assertThat(job.get("state").asString()).as(job.toString()).isEqualTo("SUCCEEDED");
        JsonNode counts = job.get("rows");
        assertThat(counts.get("total").asLong()).isEqualTo(ROWS);
        assertThat(counts.get("created").asLong()).isEqualTo(good);
        assertThat(counts.get("invalid").asLong()).isEqualTo(broken.values().stream().filter(e -> e.outcome().equals("invalid")).count());
        assertThat(counts.get("conflict").asLong()).isEqualTo(broken.values().stream().filter(e -> e.outcome().equals("conflict")).count());
        assertThat(counts.get("existsIdentical").asLong()).isZero();
        io.micrometer.core.instrument.MeterRegistry meters = server.bean(io.micrometer.core.instrument.MeterRegistry.class);
        assertThat(meters.get("provisioning.import.rows").tag("outcome", "created").tag("dry_run", "false").counter().count())
                .isGreaterThanOrEqualTo(good);
        assertThat(meters.get("provisioning.import.rows").tag("outcome", "invalid").tag("dry_run", "false").counter().count())
                .isGreaterThanOrEqualTo(800);

        Map<Long, JsonNode> bad = Imports.rows(server, id, "invalid");
        bad.putAll(Imports.rows(server, id, "conflict"));
        assertThat(bad.keySet()).containsExactlyInAnyOrderElementsOf(broken.keySet());
        broken.forEach((line, expected) -> {
            assertThat(bad.get(line).get("outcome").asString()).as("line " + line).isEqualTo(expected.outcome());
            assertThat(bad.get(line).get("reason").asString()).as("line " + line).contains(expected.reason());
        });
        JsonNode page = server.call("GET", "/api/v1/imports/" + id + "/rows?limit=5&after=100", null).json();
        assertThat(page.get("rows")).hasSize(5);
        assertThat(page.get("rows").get(0).get("line").asLong()).isEqualTo(101);
        assertThat(page.get("next").asLong()).isEqualTo(105);

        JdbcTemplate db = server.bean(JdbcTemplate.class);
        assertThat(db.queryForObject("SELECT count(*) FROM devices WHERE ? = ANY (labels)", Long.class, tag)).isEqualTo(good);
        assertThat(db.queryForObject("""
                SELECT count(*) FROM device_credentials c JOIN devices d ON d.id = c.device_id WHERE ? = ANY (d.labels)""",
                Long.class, tag)).isEqualTo(2L * good);
        assertThat(job.toString()).doesNotContain(HexFormat.of().formatHex(suppliedKeys.get(firstSupplied)));

        // The same upload again under the same key: the same job, nothing new.
        TestServer.ApiResponse again = Imports.upload(server, "text/csv", body, "", "Idempotency-Key", idempotencyKey);
        assertThat(again.status()).as(again.toString()).isEqualTo(200);
        assertThat(again.json().get("id").asString()).isEqualTo(id);
        assertThat(db.queryForObject("SELECT count(*) FROM devices WHERE ? = ANY (labels)", Long.class, tag)).isEqualTo(good);
        // The same key for another upload is refused.
        TestServer.ApiResponse reused = Imports.upload(server, "text/csv", "endpoint,profile,mode\nx,y,psk\n".getBytes(StandardCharsets.UTF_8),
                "", "Idempotency-Key", idempotencyKey);
        assertThat(reused.status()).as(reused.toString()).isEqualTo(422);
        assertThat(reused.contentType()).startsWith("application/problem+json");

        // The secrets file: every generated secret once; the devices bootstrap with what it says.
        TestServer.ApiResponse secrets = server.upload("GET", "/api/v1/imports/" + id + "/secrets", null, null);
        assertThat(secrets.status()).as(secrets.status() + " " + secrets.contentType()).isEqualTo(200);
        assertThat(secrets.contentType()).startsWith("text/csv");
        List<String[]> secretRows = Imports.secrets(secrets);
        assertThat(secretRows).hasSize(generatedSecrets);
        String[] generated = secretRows.stream().filter(r -> r[2].isEmpty() && r[1].startsWith(prefix) && !r[4].isEmpty())
                .findFirst().orElseThrow();
        secretRows.stream().limit(50).forEach(r -> TestOutput.rememberSecret(r[5]));
        TestOutput.rememberSecret(generated[5]);
        assertThat(secretRows.stream().filter(r -> r[1].equals(supplied) && r[2].isEmpty()).count())
                .as("a supplied key is not repeated in the secrets file").isZero();
        try (LeshanDevice client = LeshanDevice.start(generated[1], server.coaps(), generated[4], HexFormat.of().parseHex(generated[5]),
                Flavour.LWM2M_1_1_SENML_CBOR)) {
            LeshanDevice.Outcome outcome = client.awaitBootstrap(Duration.ofSeconds(30));
            assertThat(outcome.success()).as(outcome.toString()).isTrue();
            assertThat(client.instances(1)).hasSize(1);
        }
        try (LeshanDevice client = LeshanDevice.start(firstSupplied, server.coaps(), "id-" + firstSupplied, suppliedKeys.get(firstSupplied),
                Flavour.LWM2M_1_0_NO_PCT)) {
            LeshanDevice.Outcome outcome = client.awaitBootstrap(Duration.ofSeconds(30));
            assertThat(outcome.success()).as(outcome.toString()).isTrue();
        }

        // Acknowledged: destroyed, in the database too.
        assertThat(server.upload("POST", "/api/v1/imports/" + id + "/secrets/acknowledge", null, null).status()).isEqualTo(204);
        TestServer.ApiResponse gone = server.upload("GET", "/api/v1/imports/" + id + "/secrets", null, null);
        assertThat(gone.status()).as(gone.toString()).isEqualTo(410);
        assertThat(db.queryForObject("SELECT count(*) FROM import_results WHERE job_id = ?::uuid AND secrets_ciphertext IS NOT NULL",
                Long.class, id)).isZero();
        assertThat(server.call("GET", "/api/v1/imports/" + id, null).json().get("secrets").asString()).isEqualTo("ACKNOWLEDGED");
        String audit = String.valueOf(db.queryForList(
                "SELECT action, details FROM audit_events WHERE target = ? ORDER BY id", "import:" + id));
        assertThat(audit).contains("import.run", "created=" + good, "import.secrets.download",
                "import.secrets.acknowledge");
        assertThat(db.queryForObject("SELECT count(*) FROM audit_events WHERE action = 'device.create' AND target LIKE ?",
                Long.class, "device:" + prefix + "%")).as("one audit event per job, not per row").isZero();
    }

    @Test
    void theSameRowsAgainUnderANewKeyExistIdenticalOrConflict() throws Exception {
        String prefix = Fixtures.unique("urn:dev:imp-again");
        String first = "endpoint,profile,mode,psk_identity,psk_key,labels\n"
                + prefix + "-1," + profile + ",psk,,,a;b\n"
                + prefix + "-2," + profile + ",psk,id-" + prefix + "-2,000102030405060708090a0b0c0d0e0f,\n";
        String id = Imports.upload(server, "text/csv", first.getBytes(StandardCharsets.UTF_8), "").json().get("id").asString();
        assertThat(Imports.await(server, id, Duration.ofSeconds(30)).get("rows").get("created").asLong()).isEqualTo(2);

        String second = "endpoint,profile,mode,psk_identity,psk_key,labels\n"
                + prefix + "-1," + profile + ",psk,,,b;a\n"
                + prefix + "-2," + profile + ",psk,id-" + prefix + "-2,000102030405060708090a0b0c0d0e0f,\n"
                + prefix + "-1," + profile + ",rpk,,,\n"
                + prefix + "-3," + profile + ",psk,id-" + prefix + "-2,101112131415161718191a1b1c1d1e1f,\n";
        String again = Imports.upload(server, "text/csv", second.getBytes(StandardCharsets.UTF_8), "").json().get("id").asString();
        JsonNode job = Imports.await(server, again, Duration.ofSeconds(30));
        assertThat(job.get("rows").get("existsIdentical").asLong()).as(job.toString()).isEqualTo(2);
        Map<Long, JsonNode> rows = Imports.rows(server, again, null);
        assertThat(rows.get(4L).get("outcome").asString()).isEqualTo("conflict");
        assertThat(rows.get(5L).get("outcome").asString()).isEqualTo("conflict");
        assertThat(rows.get(5L).get("reason").asString()).contains("PSK identity 'id-" + prefix + "-2'");
        assertThat(rows.toString()).doesNotContain("101112131415161718191a1b1c1d1e1f");
        assertThat(server.call("GET", "/api/v1/devices/" + prefix + "-1", null).json().get("labels").toString())
                .contains("a", "b");
    }

    /**
     * Batches are written two at a time (decision 017). A batch repeating endpoints and identities
     * of the batch before it must still see that batch's devices, exactly as a serial run would:
     * every repeat is reported against the earlier row, none as a collision.
     */
    @Test
    void rowsRepeatingTheBatchBeforeThemAreJudgedAgainstItsCommittedDevices() throws Exception {
        String prefix = Fixtures.unique("urn:dev:imp-next");
        StringBuilder csv = new StringBuilder("endpoint,profile,mode,psk_identity,psk_key,labels\n");
        int firstBatch = 1000; // provisioning.imports.batch-size of the shared test server
        // The first batch is slow to write (a certificate issued per row) and the next one quick to
        // prepare, so the second reaches PostgreSQL while the first is still in flight.
        for (int i = 0; i < firstBatch; i++) {
            csv.append(i % 10 == 7 ? "%s-%d,%s,psk,id-%s-%d,%032x,lot=1\n".formatted(prefix, i, profile, prefix, i, i)
                    : "%s-%d,%s,x509,,,lot=1\n".formatted(prefix, i, profile));
        }
        Map<Long, Expected> expected = new HashMap<>();
        for (int i = 0; i < 2 * firstBatch; i++) {
            long line = firstBatch + 2 + i;
            int earlier = i % firstBatch;
            if (i % 10 == 0) {
                csv.append("%s-%d,%s,x509,,,lot=1\n".formatted(prefix, earlier, profile));
                expected.put(line, new Expected("exists-identical", null));
            } else if (i % 10 == 5) {
                csv.append("%s-%d,%s,x509,,,lot=2\n".formatted(prefix, earlier, profile));
                expected.put(line, new Expected("conflict", "exists with another set of labels"));
            } else if (i % 10 == 7 && i >= firstBatch) {
                // In the third batch only: in the second, a collision on the unique identity would
                // send the whole batch down the one-row-at-a-time path, which waits anyway.
                csv.append("%s-new-%d,%s,psk,id-%s-%d,%032x,\n".formatted(prefix, i, profile, prefix, earlier, i));
                expected.put(line, new Expected("conflict", "already belongs to another device"));
            } else {
                csv.append("%s-new-%d,%s,psk,,,\n".formatted(prefix, i, profile));
                expected.put(line, new Expected("created", null));
            }
        }
        String id = Imports.upload(server, "text/csv", csv.toString().getBytes(StandardCharsets.UTF_8), "").json().get("id").asString();
        JsonNode job = Imports.await(server, id, Duration.ofSeconds(60));

        assertThat(job.get("state").asString()).as(job.toString()).isEqualTo("SUCCEEDED");
        Map<Long, JsonNode> rows = Imports.rows(server, id, null);
        assertThat(rows).hasSize(3 * firstBatch);
        expected.forEach((line, e) -> {
            JsonNode row = rows.get(line);
            assertThat(row.get("outcome").asString()).as("line %d: %s", line, row).isEqualTo(e.outcome());
            if (e.reason() != null) {
                assertThat(row.get("reason").asString()).as("line %d", line).contains(e.reason());
            }
        });
        JsonNode counts = job.get("rows");
        assertThat(counts.get("created").asLong()).isEqualTo(firstBatch + 2 * firstBatch * 7 / 10 + firstBatch / 10);
        assertThat(counts.get("existsIdentical").asLong()).isEqualTo(2 * firstBatch / 10);
        assertThat(counts.get("conflict").asLong()).isEqualTo(2 * firstBatch / 10 + firstBatch / 10);
    }

    @Test
    void aDryRunValidatesEveryRowAndWritesNothing() throws Exception {
        String prefix = Fixtures.unique("urn:dev:imp-dry");
        StringBuilder csv = new StringBuilder("endpoint,profile,mode\n");
        for (int i = 0; i < 50; i++) {
            csv.append(prefix).append('-').append(i).append(',').append(i == 7 ? "nope" : profile).append(",psk\n");
        }
        TestServer.ApiResponse accepted = Imports.upload(server, "text/csv", csv.toString().getBytes(StandardCharsets.UTF_8), "?dryRun=true");
        assertThat(accepted.status()).isEqualTo(202);
        JsonNode job = Imports.await(server, accepted.json().get("id").asString(), Duration.ofSeconds(30));
        assertThat(job.get("dryRun").asBoolean()).isTrue();
        assertThat(job.get("rows").get("created").asLong()).isEqualTo(49);
        assertThat(job.get("rows").get("invalid").asLong()).isEqualTo(1);
        assertThat(job.get("secrets").asString()).isEqualTo("NONE");
        assertThat(server.call("GET", "/api/v1/devices/" + prefix + "-0", null).status()).isEqualTo(404);
    }

    @Test
    void jsonLinesImportLikeCsv() throws Exception {
        String prefix = Fixtures.unique("urn:dev:imp-nd");
        String ndjson = "{\"endpoint\":\"" + prefix + "-1\",\"profile\":\"" + profile + "\",\"mode\":\"psk\",\"labels\":[\"x\",\"y\"]}\n"
                + "{\"endpoint\":\"" + prefix + "-2\",\"profile\":\"" + profile + "\",\"mode\":\"psk\",\"colour\":\"red\"}\n"
                + "not json\n"
                + "{\"endpoint\":\"" + prefix + "-3\",\"profile\":\"" + profile + "\",\"mode\":\"x509\"}\n";
        TestServer.ApiResponse accepted = Imports.upload(server, "application/x-ndjson", ndjson.getBytes(StandardCharsets.UTF_8), "");
        assertThat(accepted.status()).as(accepted.toString()).isEqualTo(202);
        String id = accepted.json().get("id").asString();
        JsonNode job = Imports.await(server, id, Duration.ofSeconds(30));
        assertThat(job.get("rows").get("created").asLong()).as(job.toString()).isEqualTo(2);
        Map<Long, JsonNode> rows = Imports.rows(server, id, "invalid");
        assertThat(rows.get(2L).get("reason").asString()).contains("unknown field 'colour'");
        assertThat(rows.get(3L).get("reason").asString()).contains("not a JSON object");
        List<String[]> secrets = Imports.secrets(server.upload("GET", "/api/v1/imports/" + id + "/secrets", null, null));
        secrets.forEach(r -> {
            TestOutput.rememberSecret(r[5]);
            TestOutput.rememberSecret(r[6]);
        });
        assertThat(secrets.stream().filter(r -> r[1].equals(prefix + "-3") && r[3].equals("X509")).findFirst().orElseThrow()[7])
                .as("a generated X.509 bootstrap credential comes with its certificate").isNotEmpty();
        assertThat(server.upload("DELETE", "/api/v1/imports/" + id + "/secrets", null, null).status()).isEqualTo(204);
    }

    @Test
    void badUploadsAreRefusedWithProblemDetails() {
        TestServer.ApiResponse header = Imports.upload(server, "text/csv",
                "endpoint,profile,colour\nx,y,z\n".getBytes(StandardCharsets.UTF_8), "");
        assertThat(header.status()).isEqualTo(400);
        assertThat(header.body()).contains("unknown column 'colour'", "column 'mode' is required");
        TestServer.ApiResponse empty = Imports.upload(server, "text/csv", new byte[0], "");
        assertThat(empty.status()).isEqualTo(400);
        TestServer.ApiResponse json = Imports.upload(server, "application/json", "{}".getBytes(StandardCharsets.UTF_8), "");
        assertThat(json.status()).isEqualTo(415);
        assertThat(server.call("GET", "/api/v1/imports/" + UUID.randomUUID(), null).status()).isEqualTo(404);
        assertThat(server.call("GET", "/api/v1/imports/" + UUID.randomUUID(), null, null).status()).isEqualTo(401);
    }
}
