package io.lwm2m.provisioning.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.cert.CertificateFactory;
import java.security.cert.X509CRL;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The operator commands against the whole server over HTTP: an import with a refused row and its
 * secrets file, sessions listed and followed, disable and enable behind a confirmation, revocation
 * and the CRL that lists it, rotation, and how the API key may (and may not) be given.
 */
class OperatorCommandsEndToEndTest {

    private static TestServer server;
    private static String dm;
    private static String profile;
    private static Map<String, String> env;

    @TempDir
    static Path dir;

    @BeforeAll
    static void start() {
        server = TestServer.shared();
        dm = Fixtures.server(server, "coaps://dm.ops.example:5684", 711, 300, "U", "PSK", true);
        profile = Imports.profile(server, dm);
        env = Map.of("PROVISIONING_API_URL", server.baseUrl(), "PROVISIONING_API_KEY", server.adminKey(),
                "PROVISIONING_BOOTSTRAP_URI", "coaps://127.0.0.1:" + server.coaps().getPort());
    }

    private static Path write(String name, String content) throws Exception {
        return Files.writeString(dir.resolve(name), content);
    }

    private static CliRun bootstrap(Fixtures.Device device) throws Exception {
        Path created = Files.writeString(Files.createTempFile(dir, "device-", ".json"), device.created().toString());
        return CliRun.run(env, "", "device", "bootstrap", "--from", created.toString());
    }

    @Test
    void anImportReportsItsRefusedRowByLineAndSavesTheSecretsForItsOwnerOnly() throws Exception {
        String prefix = Fixtures.unique("urn:dev:cli-import");
        Path devices = write(prefix.replace(':', '_') + ".csv", "endpoint,profile,mode,psk_identity,psk_key\n"
                + prefix + "-1," + profile + ",psk,,\n"
                + prefix + "-2," + profile + ",psk,id-" + prefix + "-2,0x12zz\n"
                + prefix + "-3," + profile + ",rpk,,\n");
        Path secrets = dir.resolve(prefix.replace(':', '_') + "-secrets.csv");

        CliRun run = CliRun.run(env, "", "import", devices.toString(), "--secrets-out", secrets.toString(), "--poll-interval", "200ms");

        assertThat(run.exitCode()).as(run.toString()).isEqualTo(1);
        assertThat(run.out()).containsPattern("Uploaded .* import job [0-9a-f-]{36}")
                .contains("SUCCEEDED: 3 rows, 2 created, 0 already there (identical), 0 conflicting, 1 invalid")
                .contains("Refused rows (line: endpoint: outcome: reason):")
                .contains("  line 3: " + prefix + "-2: invalid: psk_key: must be hexadecimal")
                .contains("Saved the secrets to " + secrets + "; the server keeps its copy until acknowledged");
        assertThat(run.err()).contains("importing [##############################] 100%")
                .contains("WARNING: " + secrets + " holds 4 generated secrets in clear text");
        assertThat(Files.readAllLines(secrets)).hasSize(5).first().isEqualTo(
                "line,endpoint,server,mode,psk_identity,psk_key,private_key,certificate");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(secrets))).isEqualTo("rw-------");
        Files.readAllLines(secrets).stream().skip(1).map(l -> l.split(",", -1)[5]).forEach(TestOutput::rememberSecret);
        assertThat(server.call("GET", "/api/v1/devices/" + prefix + "-1", null).status()).isEqualTo(200);
        assertThat(server.call("GET", "/api/v1/devices/" + prefix + "-2", null).status()).isEqualTo(404);
    }

    @Test
    void aDryRunCreatesNothingAndAcknowledgedSecretsAreDestroyedOnTheServer() throws Exception {
        String prefix = Fixtures.unique("urn:dev:cli-dry");
        Path devices = write(prefix.replace(':', '_') + ".ndjson", "{\"endpoint\":\"" + prefix + "-1\",\"profile\":\"" + profile
                + "\",\"mode\":\"psk\"}\n");
        Path secrets = dir.resolve(prefix.replace(':', '_') + "-secrets.csv");

        CliRun dry = CliRun.run(env, "", "import", devices.toString(), "--dry-run");
        CliRun real = CliRun.run(env, "", "import", devices.toString(), "--secrets-out", secrets.toString(), "--acknowledge-secrets");

        assertThat(dry.exitCode()).as(dry.toString()).isZero();
        assertThat(dry.out()).contains("(dry run)").contains("SUCCEEDED (dry run: nothing was created): 1 rows, 1 would be created");
        assertThat(real.exitCode()).as(real.toString()).isZero();
        assertThat(real.out()).contains("1 rows, 1 created").contains("the server destroyed its copy");
        String job = real.out().replaceAll("(?s).*import job ([0-9a-f-]{36}).*", "$1");
        assertThat(server.call("GET", "/api/v1/imports/" + job, null).json().get("secrets").asString()).isEqualTo("ACKNOWLEDGED");
        Files.readAllLines(secrets).stream().skip(1).map(l -> l.split(",", -1)[5]).forEach(TestOutput::rememberSecret);
    }

    @Test
    void sessionsListTheDevicesBootstrapsAndFollowWaitsForTheNextOne() throws Exception {
        Fixtures.Device device = Fixtures.device(server, dm);
        assertThat(bootstrap(device).exitCode()).isZero();
        Sessions.await(server, device.endpoint(), "SUCCEEDED");

        CliRun list = CliRun.run(env, "", "sessions", device.endpoint(), "--steps");
        CompletableFuture<CliRun> follow = CompletableFuture.supplyAsync(() -> CliRun.run(env, "", "sessions", device.endpoint(),
                "--follow", "--until", "SUCCEEDED", "--timeout", "60s", "--interval", "200ms"));
        Thread.sleep(1000);
        assertThat(bootstrap(device).exitCode()).isZero();
        CliRun followed = follow.get();
        CliRun unknown = CliRun.run(env, "", "sessions", "urn:dev:no-such-device");

        assertThat(list.exitCode()).as(list.toString()).isZero();
        assertThat(list.out()).containsPattern("\\d{4}-\\d\\d-\\d\\dT\\S+  SUCCEEDED +\\d+ ms  PSK   LwM2M 1.1  SenML-CBOR  127.0.0.1:\\d+")
                .containsPattern("Bootstrap-Discover\\s+/\\s+2.05").containsPattern("Bootstrap-Write\\s+/0/1\\s+2.04")
                .containsPattern("Bootstrap-Finish\\s+/bs\\s+2.04");
        assertThat(followed.exitCode()).as(followed.toString()).isZero();
        assertThat(followed.out().lines().filter(l -> l.contains("SUCCEEDED")).count()).isEqualTo(2);
        assertThat(unknown.exitCode()).isEqualTo(1);
        assertThat(unknown.err()).contains("answered 404");
    }

    @Test
    void disableAsksNamingTheDeviceThenTheDeviceIsRefusedUntilEnabled() throws Exception {
        Fixtures.Device device = Fixtures.device(server, dm);

        CliRun declined = CliRun.run(env, "n\n", "disable", device.endpoint(), "--reason", "lost in transit");
        assertThat(declined.exitCode()).isEqualTo(1);
        assertThat(declined.err()).contains("Disable device " + device.endpoint() + " (ACTIVE)? Its Bootstrap-Requests will be refused "
                + "until it is enabled. [y/N]").contains("not confirmed: nothing was done to " + device.endpoint());
        assertThat(server.call("GET", "/api/v1/devices/" + device.endpoint(), null).json().get("state").asString()).isEqualTo("ACTIVE");

        CliRun disabled = CliRun.run(env, "y\n", "disable", device.endpoint(), "--reason", "lost in transit");
        assertThat(disabled.exitCode()).as(disabled.toString()).isZero();
        assertThat(disabled.out()).contains("Device " + device.endpoint() + " is DISABLED.");
        CliRun refused = bootstrap(device);
        assertThat(refused.exitCode()).isEqualTo(1);
        assertThat(refused.out()).contains("Bootstrap-Request answered 4.00");
        Sessions.await(server, device.endpoint(), "is DISABLED");
        assertThat(CliRun.run(env, "", "sessions", device.endpoint()).out()).contains("reason: DEVICE_NOT_ACTIVE: device '"
                + device.endpoint() + "' is DISABLED");

        CliRun enabled = CliRun.run(env, "", "enable", device.endpoint(), "--yes");
        assertThat(enabled.exitCode()).as(enabled.toString()).isZero();
        assertThat(enabled.out()).contains("Device " + device.endpoint() + " is ACTIVE.");
        assertThat(bootstrap(device).exitCode()).isZero();
    }

    @Test
    void aRevokedCertificateIsInTheCrlTheCommandDownloads() throws Exception {
        Fixtures.Device device = Fixtures.deviceWith(server, "X509", dm);
        String serial = device.created().get("bootstrapCredential").get("certificateSerial").asString();
        Path crlFile = dir.resolve("crl-" + device.endpoint().replace(':', '_') + ".der");

        CliRun revoked = CliRun.run(env, "y\n", "revoke", device.endpoint(), "--target", "bootstrap", "--reason", "keyCompromise");
        CliRun crl = CliRun.run(Map.of("PROVISIONING_API_URL", server.baseUrl()), "", "crl", "--out", crlFile.toString());

        assertThat(revoked.exitCode()).as(revoked.toString()).isZero();
        assertThat(revoked.err()).contains("Revoke the bootstrap credential of device " + device.endpoint());
        assertThat(revoked.out()).contains("Revoked 1 credential(s) of " + device.endpoint()).contains("REVOKED")
                .contains("certificate " + serial);
        assertThat(crl.exitCode()).as(crl.toString()).isZero();
        String hex = new BigInteger(serial, 16).toString(16);
        assertThat(crl.out()).containsPattern("CRL number \\d+ of .*revoked certificate\\(s\\); written to " + crlFile.toString()
                .replace(".", "\\.")).contains("serial " + hex + " revoked").contains("(KEY_COMPROMISE)");
        X509CRL parsed = (X509CRL) CertificateFactory.getInstance("X.509").generateCRL(Files.newInputStream(crlFile));
        assertThat(parsed.getRevokedCertificate(new BigInteger(serial, 16))).isNotNull();
    }

    @Test
    void rotationKeepsTheNewSecretsOutOfTheOutputAndInAnOwnerOnlyFile() throws Exception {
        Fixtures.Device device = Fixtures.device(server, dm);
        Path saved = dir.resolve("rotated-" + device.endpoint().replace(':', '_') + ".json");

        CliRun rotated = CliRun.run(env, "", "rotate", device.endpoint(), "--yes", "--secrets-out", saved.toString());

        assertThat(rotated.exitCode()).as(rotated.toString()).isZero();
        assertThat(rotated.out()).containsPattern("New bootstrap credential \\d+ \\(PSK, PENDING\\) for " + device.endpoint()
                + ", PSK identity [0-9a-f]{32}; the device receives it at its next bootstrap");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(saved))).isEqualTo("rw-------");
        String key = server.JSON.readTree(Files.readString(saved)).get("key").asString();
        TestOutput.rememberSecret(key);
        assertThat(rotated.all()).doesNotContain(key);
    }

    @Test
    void theApiKeyComesFromTheEnvironmentOrAFileNeverFromTheCommandLine() throws Exception {
        Map<String, String> noKey = new HashMap<>(env);
        noKey.remove("PROVISIONING_API_KEY");
        Path keyFile = write("admin-key", server.adminKey() + "\n");
        Fixtures.Device device = Fixtures.device(server, dm);

        CliRun onCommandLine = CliRun.run(noKey, "", "sessions", device.endpoint(), "--api-key", "bsk_whatever");
        CliRun missing = CliRun.run(noKey, "", "sessions", device.endpoint());
        CliRun wrong = CliRun.run(Map.of("PROVISIONING_API_URL", server.baseUrl(), "PROVISIONING_API_KEY", "bsk_wrong"), "", "sessions",
                device.endpoint());
        CliRun fromFile = CliRun.run(noKey, "", "sessions", device.endpoint(), "--api-key-file", keyFile.toString());
        CliRun unreachable = CliRun.run(noKey, "", "sessions", device.endpoint(), "--api-key-file", keyFile.toString(), "--api",
                "http://127.0.0.1:1");

        assertThat(onCommandLine.exitCode()).isEqualTo(2);
        assertThat(onCommandLine.err()).contains("not taken from the command line (it would stay in the shell history)");
        assertThat(missing.exitCode()).isEqualTo(2);
        assertThat(missing.err()).contains("no API key: export PROVISIONING_API_KEY");
        assertThat(wrong.exitCode()).isEqualTo(1);
        assertThat(wrong.err()).contains("answered 401").contains("check PROVISIONING_API_KEY or --api-key-file");
        assertThat(fromFile.exitCode()).as(fromFile.toString()).isZero();
        assertThat(fromFile.out()).contains("No bootstrap session of " + device.endpoint() + " yet.");
        assertThat(unreachable.exitCode()).isEqualTo(1);
        assertThat(unreachable.err()).contains("cannot reach the API at http://127.0.0.1:1/");
    }
}
