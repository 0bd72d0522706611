package io.lwm2m.provisioning.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * {@code device bootstrap} against the whole server: PSK, RPK and X.509 devices of every LwM2M flavour
 * bootstrap, and the command prints the Security and Server objects the simulated device holds, the
 * DM server's account exactly as the server configured it, its secret key masked unless asked. The
 * failures a user meets print their reason and a pointer to the server's record.
 */
class DeviceSimulatorEndToEndTest {

    private static TestServer server;
    private static String dm;
    private static String rpkDm;
    private static Path bootstrapServerIdentity;

    @TempDir
    static Path dir;

    @BeforeAll
    static void start() throws Exception {
        server = TestServer.shared();
        dm = Fixtures.server(server, "coaps://dm.sim.example:5684", 411, 600, "U", "PSK", true);
        rpkDm = Fixtures.server(server, "coaps://dm2.sim.example:5684", 412, 300, "U", "PSK", false);
        bootstrapServerIdentity = dir.resolve("bootstrap-server.json");
        Files.writeString(bootstrapServerIdentity, server.call("GET", "/api/v1/bootstrap-server", null).body());
    }

    private static String uri() {
        return "coaps://127.0.0.1:" + server.coaps().getPort();
    }

    private static Path created(Fixtures.Device device) throws Exception {
        Path file = Files.createTempFile(dir, "device-", ".json");
        Files.writeString(file, device.created().toString());
        return file;
    }

    @Test
    void aPskDeviceOfLwm2m11PrintsTheAccountItReceivedWithTheSecretMasked() throws Exception {
        Fixtures.Device device = Fixtures.device(server, dm);
        JsonNode credential = device.serverCredential(dm);

        CliRun run = CliRun.run("device", "bootstrap", "--server", uri(), "--from", created(device).toString());

        assertThat(run.exitCode()).as(run.toString()).isZero();
        assertThat(run.out()).contains("Bootstrapping " + device.endpoint() + " at " + uri() + " as LwM2M 1.1, pct=112 (SenML-CBOR)")
                .contains("DTLS handshake done").contains("2.04")
                .contains("GET / (Bootstrap-Discover)").contains("PUT /0/1 (Bootstrap-Write, SenML-CBOR)")
                .contains("POST /bs (Bootstrap-Finish)").contains("Bootstrap finished in")
                .contains("Security /0/0  (bootstrap-server account)")
                .containsPattern("Security /0/1\\n\\s+0  LwM2M Server URI\\s+coaps://dm.sim.example:5684")
                .containsPattern("2  Security Mode\\s+0 \\(PSK\\)")
                .contains("\"" + credential.get("identity").asString() + "\" (PSK identity)")
                .containsPattern("5  Secret Key\\s+\\*+ \\(16 bytes, masked; --show-secrets prints it\\)")
                .containsPattern("10  Short Server ID\\s+411")
                .containsPattern("Server /1/0\\n\\s+0  Short Server ID\\s+411\\n\\s+1  Lifetime\\s+600")
                .containsPattern("7  Binding\\s+U")
                .contains("Access Control (/2): no instances")
                .doesNotContain(credential.get("key").asString()).doesNotContain(HexFormat.of().formatHex(device.key()));
    }

    @Test
    void showSecretsPrintsTheKeysTheServerWrote() throws Exception {
        Fixtures.Device device = Fixtures.device(server, dm);

        CliRun run = CliRun.run("device", "bootstrap", "--server", uri(), "--from", created(device).toString(), "--show-secrets",
                "--lwm2m", "1.0");

        assertThat(run.exitCode()).as("exit code").isZero();
        assertThat(run.out()).contains("as LwM2M 1.0, no pct (TLV)").contains("PUT /0/1 (Bootstrap-Write, TLV)")
                .contains(device.serverCredential(dm).get("key").asString() + " (hex)");
    }

    @Test
    void anRpkDeviceOfLwm2m10ChecksTheServerKeyAndReadsTlv() throws Exception {
        Fixtures.Device device = Fixtures.deviceWith(server, "RPK", rpkDm);

        CliRun run = CliRun.run("device", "bootstrap", "--server", uri(), "--from", created(device).toString(), "--lwm2m", "1.0",
                "--server-key", bootstrapServerIdentity.toString());

        assertThat(run.exitCode()).as(run.toString()).isZero();
        assertThat(run.out()).contains("raw public key (EC)").doesNotContain("is not checked")
                .containsPattern("TLS_ECDHE_ECDSA_WITH_AES_128_\\w+")
                .containsPattern("2  Security Mode\\s+1 \\(RPK\\)")
                .containsPattern("3  Public Key or Identity\\s+EC public key, SHA-256 [0-9a-f:]+")
                .containsPattern("4  Server Public Key\\s+EC public key")
                .containsPattern("Security /0/1\\n\\s+0  LwM2M Server URI\\s+coaps://dm2.sim.example:5684")
                .containsPattern("6  Notification Storing When Disabled or Offline\\s+false")
                .containsPattern("7  Binding\\s+U\\n");
    }

    @Test
    void anX509DeviceOfLwm2m12TakesLwm2mCborAndShowsItsCertificate() throws Exception {
        Fixtures.Device device = Fixtures.deviceWith(server, "X509", dm);

        CliRun run = CliRun.run("device", "bootstrap", "--server", uri(), "--from", created(device).toString(), "--lwm2m", "1.2",
                "--server-key", bootstrapServerIdentity.toString());

        assertThat(run.exitCode()).as(run.toString()).isZero();
        assertThat(run.out()).contains("as LwM2M 1.2, pct=11544 (LwM2M-CBOR)").contains("(Bootstrap-Write, LwM2M-CBOR)")
                .contains("certificate CN=" + device.endpoint())
                .containsPattern("Security /0/0  \\(bootstrap-server account\\)\\n(.*\\n)*?\\s+2  Security Mode\\s+2 \\(Certificate\\)")
                .containsPattern("Security /0/1\\n\\s+0  LwM2M Server URI\\s+coaps://dm.sim.example:5684")
                .containsPattern("Server /1/0\\n\\s+0  Short Server ID\\s+411");
    }

    @Test
    void aBootstrapPackRefusedBeforeAnyDiscoverFallsBackToABootstrapRequestThenAPackIsApplied() throws Exception {
        Fixtures.Device device = Fixtures.device(server, dm);
        Path file = created(device);

        CliRun first = CliRun.run("device", "bootstrap", "--server", uri(), "--from", file.toString(), "--lwm2m", "1.2", "--pack");
        CliRun second = CliRun.run("device", "bootstrap", "--server", uri(), "--from", file.toString(), "--lwm2m", "1.2", "--pack",
                "--format", "SENML_CBOR");

        assertThat(first.exitCode()).as(first.toString()).isZero();
        assertThat(first.out()).containsPattern("GET /bspack \\(Bootstrap-Pack-Request\\)\\s+4.05")
                .contains("falling back to a Bootstrap-Request").contains("Bootstrap finished");
        assertThat(second.exitCode()).as(second.toString()).isZero();
        assertThat(second.out()).containsPattern("GET /bspack \\(Bootstrap-Pack-Request\\)\\s+2.05")
                .contains("Bootstrap-Pack (SenML-CBOR").doesNotContain("POST /bs")
                .containsPattern("Security /0/1\\n\\s+0  LwM2M Server URI\\s+coaps://dm.sim.example:5684");
    }

    @Test
    void aWrongKeyFailsTheHandshakeAndPointsToTheServersRecordOfIt() throws Exception {
        Fixtures.Device device = Fixtures.device(server, dm);
        byte[] wrong = device.key().clone();
        wrong[0] ^= 1;

        CliRun run = CliRun.run("device", "bootstrap", "--server", uri(), "--endpoint", device.endpoint(), "--psk-identity",
                device.identity(), "--psk-key", HexFormat.of().formatHex(wrong), "--handshake-retransmissions", "1");

        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.out()).contains("Bootstrap FAILED: DTLS handshake failed")
                .contains("the server never answered the Finished (wrong key")
                .contains("GET /api/v1/devices/" + device.endpoint() + "/handshake-failures")
                .contains("Security /0/0  (bootstrap-server account)").doesNotContain("Security /0/1");
        JsonNode failures = server.call("GET", "/api/v1/devices/" + device.endpoint() + "/handshake-failures", null).json();
        assertThat(failures.toString()).contains("WRONG_KEY");
    }

    @Test
    void anotherDevicesEndpointIsRefusedWith400AndTheSessionSaysWhy() throws Exception {
        Fixtures.Device device = Fixtures.device(server, dm);
        Fixtures.Device other = Fixtures.device(server, dm);

        CliRun run = CliRun.run("device", "bootstrap", "--server", uri(), "--from", created(device).toString(), "--endpoint",
                other.endpoint());

        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.out()).containsPattern("POST /bs\\?ep=" + other.endpoint() + " \\(Bootstrap-Request\\)\\s+4.00")
                .contains("Bootstrap FAILED: Bootstrap-Request answered 4.00")
                .contains("provisioning-server sessions " + other.endpoint())
                .contains("recorded under the device whose credentials it used");
        // Recorded under the device whose credentials were used, never in the other device's history.
        assertThat(Sessions.await(server, device.endpoint(), "does not match the DTLS identity"))
                .contains("endpoint '" + other.endpoint() + "' does not match the DTLS identity, which belongs to device '"
                        + device.endpoint() + "'");
    }

    @Test
    void aNoSecDeviceOverPlainCoapReceivesItsAccessControlInstancesToo() throws Exception {
        String profile = Fixtures.profile(server, """
                {"servers":[{"server":"%s"}],"allowNoSec":true,
                 "accessControl":[{"objectId":3,"instanceId":0,"acl":{"411":7,"0":1},"owner":411}]}""".formatted(dm));
        Fixtures.Device device = Fixtures.deviceOfProfile(server, profile);

        CliRun run = CliRun.run("device", "bootstrap", "--server", "coap://127.0.0.1:" + server.coap().getPort(), "--endpoint",
                device.endpoint(), "--format", "TLV");

        assertThat(run.exitCode()).as(run.toString()).isZero();
        assertThat(run.out()).contains("NoSec (plain CoAP)").doesNotContain("DTLS handshake")
                .containsPattern("Security /0/0  \\(bootstrap-server account\\)\\n(.*\\n)*?\\s+2  Security Mode\\s+3 \\(NoSec\\)")
                .containsPattern("Access Control /2/\\d+\\n\\s+0  Object ID\\s+3\\n\\s+1  Object Instance ID\\s+0\\n"
                        + "\\s+2  ACL\\s+\\[0\\]=1, \\[411\\]=7\\n\\s+3  Access Control Owner\\s+411");
    }

    @Test
    void wrongInputIsAUsageErrorNamingWhatIsMissing() {
        CliRun noCredentials = CliRun.run("device", "bootstrap", "--server", uri(), "--endpoint", "urn:dev:x");
        CliRun badFormat = CliRun.run("device", "bootstrap", "--server", uri(), "--endpoint", "urn:dev:x", "--psk-identity", "a",
                "--psk-key", "00", "--lwm2m", "1.0", "--format", "SENML_CBOR");
        CliRun badKey = CliRun.run("device", "bootstrap", "--server", uri(), "--endpoint", "urn:dev:x", "--psk-identity", "a",
                "--psk-key", "0g");

        assertThat(noCredentials.exitCode()).isEqualTo(2);
        assertThat(noCredentials.err()).contains("give the device's credentials");
        assertThat(badFormat.exitCode()).isEqualTo(2);
        assertThat(badFormat.err()).contains("an LwM2M 1.0 client sends no pct and takes TLV");
        assertThat(badKey.exitCode()).isEqualTo(2);
        assertThat(badKey.err()).contains("hexadecimal").doesNotContain("0g");
    }

    @Test
    void theEnvironmentNamesTheServer() throws Exception {
        Fixtures.Device device = Fixtures.device(server, dm);

        CliRun run = CliRun.run(Map.of("PROVISIONING_BOOTSTRAP_URI", uri()), "", "device", "bootstrap", "--from",
                created(device).toString(), "--format", "SENML_JSON");

        assertThat(run.exitCode()).as(run.toString()).isZero();
        assertThat(run.out()).contains(" at " + uri() + " ").contains("(Bootstrap-Write, SenML-JSON)");
    }
}
