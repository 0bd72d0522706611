package io.lwm2m.provisioning.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.lwm2m.provisioning.ca.CaFactory;
import io.lwm2m.provisioning.ca.CertificateIssuer;
import io.lwm2m.provisioning.ca.CertificateProfile;
import io.lwm2m.provisioning.ca.GeneratedCa;
import io.lwm2m.provisioning.ca.KeyAlgorithm;
import io.lwm2m.provisioning.ca.Pem;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README's Troubleshooting section, case by case: each problem reproduced with the simulator,
 * and the messages the README quotes (the simulator's, the API's, the server log's) checked here.
 */
class TroubleshootingEndToEndTest {

    private static final SecureRandom RANDOM = new SecureRandom();
    private static TestServer server;
    private static String dm;

    @TempDir
    static Path dir;

    @BeforeAll
    static void start() {
        server = TestServer.shared();
        dm = Fixtures.server(server, "coaps://dm.trouble.example:5684", 811, 300, "U", "PSK", true);
    }

    private static String uri() {
        return "coaps://127.0.0.1:" + server.coaps().getPort();
    }

    private static String psk(Fixtures.Device device) {
        return HexFormat.of().formatHex(device.key());
    }

    @Test
    void wrongKey() throws Exception {
        Fixtures.Device device = Fixtures.device(server, dm);
        byte[] wrong = device.key().clone();
        wrong[15] ^= 0x55;
        int logFrom = TestOutput.captured().length();

        CliRun run = CliRun.run("device", "bootstrap", "--server", uri(), "--endpoint", device.endpoint(), "--psk-identity",
                device.identity(), "--psk-key", HexFormat.of().formatHex(wrong), "--handshake-retransmissions", "1");

        assertThat(run.out()).contains("Bootstrap FAILED: DTLS handshake failed: no answer to flight 5 (ClientKeyExchange, Finished)");
        String failures = server.call("GET", "/api/v1/devices/" + device.endpoint() + "/handshake-failures", null).body();
        assertThat(failures).contains("\"reason\":\"WRONG_KEY\"")
                .contains("\"description\":\"wrong key: the Finished of a known PSK identity failed its MAC\"");
        assertThat(awaitLog(logFrom, "DTLS handshake of device '" + device.endpoint() + "' from 127.0.0.1:"))
                .contains("failed: wrong key: the Finished of a known PSK identity failed its MAC (identity " + device.identity() + ")");
    }

    @Test
    void noCommonCipherSuite() throws Exception {
        Fixtures.Device device = Fixtures.device(server, dm);
        int logFrom = TestOutput.captured().length();

        CliRun run = CliRun.run("device", "bootstrap", "--server", uri(), "--endpoint", device.endpoint(), "--psk-identity",
                device.identity(), "--psk-key", psk(device), "--cipher-suite", "TLS_PSK_WITH_AES_256_CCM_8",
                "--handshake-retransmissions", "1");

        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.out()).contains("Bootstrap FAILED: DTLS handshake failed: handshake_failure")
                .contains("DTLS handshake: refused with an alert");
        awaitLog(logFrom, "DTLS handshake(s) of no known device failed: no cipher suite (or certificate type) both sides support");
    }

    @Test
    void endpointOfAnotherDevice() throws Exception {
        Fixtures.Device device = Fixtures.device(server, dm);
        Fixtures.Device other = Fixtures.device(server, dm);

        CliRun run = CliRun.run("device", "bootstrap", "--server", uri(), "--endpoint", other.endpoint(), "--psk-identity",
                device.identity(), "--psk-key", psk(device));

        assertThat(run.out()).contains("Bootstrap FAILED: Bootstrap-Request answered 4.00");
        assertThat(Sessions.await(server, device.endpoint(), "ENDPOINT_MISMATCH")).contains("\"failure\":\"ENDPOINT_MISMATCH\"")
                .contains("\"reason\":\"endpoint '" + other.endpoint() + "' does not match the DTLS identity, which belongs to device '"
                        + device.endpoint() + "'\"");
    }

    @Test
    void certificateNotYetValidBecauseOfAClockAhead() throws Exception {
        GeneratedCa factory = CaFactory.generate(KeyAlgorithm.EC_P256, "Clock Factory", "Clock Devices", Duration.ofDays(365),
                Duration.ofDays(365), null, RANDOM);
        TestServer.ApiResponse registered = server.call("POST", "/api/v1/manufacturer-cas", "{\"name\":\"" + Fixtures.unique("clock")
                + "\",\"certificate\":\"" + Pem.certificate(factory.issuing()).replace("\n", "\\n") + "\"}");
        assertThat(registered.status()).as(registered.toString()).isEqualTo(201);
        String endpoint = Fixtures.unique("urn:dev:clock");
        assertThat(server.call("POST", "/api/v1/devices", """
                {"endpoint":"%s","servers":["%s"],"bootstrapCredential":{"mode":"X509","factory":true}}""".formatted(endpoint, dm))
                .status()).isEqualTo(201);
        // The factory's clock ran two days ahead when it issued the device's certificate.
        KeyPair keys = KeyAlgorithm.EC_P256.generate(RANDOM);
        X509Certificate idevid = new CertificateIssuer(factory.issuing(), factory.issuingKey(), null, null, RANDOM).issue(keys.getPublic(),
                CertificateProfile.device(Duration.ofDays(30)), endpoint, URI.create("urn:clock:1"), CertificateIssuer.randomSerial(RANDOM),
                Instant.now().plus(Duration.ofDays(2)));
        Path certificate = Files.writeString(dir.resolve("idevid.pem"), Pem.certificate(idevid));
        Path key = Files.writeString(dir.resolve("idevid.key"), Pem.privateKey(keys.getPrivate()));
        int logFrom = TestOutput.captured().length();

        CliRun run = CliRun.run("device", "bootstrap", "--server", uri(), "--endpoint", endpoint, "--certificate", certificate.toString(),
                "--private-key", key.toString(), "--handshake-retransmissions", "1");

        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.out()).contains("Bootstrap FAILED: DTLS handshake failed: ");
        assertThat(awaitLog(logFrom, "certificate 'CN=" + endpoint + "'")).contains("failed: the client's certificate is not valid yet "
                + "(check the device clock)").containsPattern("certificate 'CN=" + endpoint + "' \\(serial [0-9a-f]+\\) is not valid before "
                + "\\d{4}-");
    }

    @Test
    void aDiscoverAnswerTheServerCannotUse() throws Exception {
        Fixtures.Device device = Fixtures.device(server, dm);

        CliRun run = CliRun.run("device", "bootstrap", "--server", uri(), "--endpoint", device.endpoint(), "--psk-identity",
                device.identity(), "--psk-key", psk(device), "--discover-answer", "lwm2m=1.0,</1/0>;ssid=101", "--timeout", "5s");

        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.out()).contains("GET / (Bootstrap-Discover)").contains("Bootstrap FAILED: timeout: no Bootstrap-Finish");
        assertThat(Sessions.await(server, device.endpoint(), "DISCOVER_UNUSABLE")).contains("\"reason\":\"the client's "
                + "Bootstrap-Discover answer lists no Security (/0) instance, so a write could overwrite its bootstrap-server account; "
                + "its profile's compatibility.bootstrapAccountInstance names where such clients keep it\"");
    }

    /** What the server logged since {@code from} (a length of the captured output), once it holds {@code text}; fails after 5 s. */
    private static String awaitLog(int from, String text) throws InterruptedException {
        for (int i = 0; i < 50 && !TestOutput.captured().substring(from).contains(text); i++) {
            Thread.sleep(100);
        }
        String logged = TestOutput.captured().substring(from);
        assertThat(logged).contains(text);
        return logged;
    }
}
