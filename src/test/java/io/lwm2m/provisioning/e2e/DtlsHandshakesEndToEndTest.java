package io.lwm2m.provisioning.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.lwm2m.provisioning.bootstrap.transport.BootstrapEndpoints;
import io.lwm2m.provisioning.crypto.EllipticCurveProvider;
import io.lwm2m.provisioning.testing.RequiresTool;
import io.lwm2m.provisioning.testing.TestDataDirectories;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.ByteArrayInputStream;
import java.lang.reflect.Field;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.eclipse.californium.core.coap.CoAP.ResponseCode;
import org.eclipse.californium.scandium.DTLSConnector;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.jdbc.core.JdbcTemplate;
import tools.jackson.databind.JsonNode;

/**
 * The DTLS side of interoperability, judged by {@code openssl s_client -dtls1_2} and Scandium's
 * client: the cipher suites LwM2M Transport 1.1 §5.2.8 makes mandatory (and the AEAD ones the field
 * asks for) complete a handshake offered alone; a failed handshake is settled once, with a reason,
 * a metric and, for a known credential, a record against its device, and only client-caused
 * failures count against the source address. Its own server, with a low failure limit; the tests
 * that fail handshakes on purpose send from addresses of their own (127.0.0.2, 127.0.0.3, 127.0.0.4).
 */
@RequiresTool(value = "openssl", debianPackage = "openssl")
class DtlsHandshakesEndToEndTest {

    private static TestServer server;
    private static String dm;
    private static Path work;

    @BeforeAll
    static void start() throws Exception {
        server = TestServer.start(TestServer.newDataDir(), Map.of(
                "provisioning.bootstrap.max-failures-per-source", 4, "provisioning.bootstrap.failure-window", "60s",
                "provisioning.bootstrap.hostname", "bs.example.com",
                "provisioning.bootstrap.subject-alt-names", "bs.example.com,bootstrap.example.net,10.1.2.3,127.0.0.1"));
        dm = Fixtures.server(server, "coaps://dm.suites.example:5684", 11, 300, "U", "PSK", true);
        work = TestDataDirectories.create("dtls-suites-");
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"PSK-AES128-CBC-SHA256", "PSK-AES128-CCM8", "PSK-AES128-GCM-SHA256", "ECDHE-PSK-AES128-CBC-SHA256"})
    void aPskSuiteOfferedAloneCompletesAHandshake(String suite) throws Exception {
        Fixtures.Device device = Fixtures.device(server, dm);

        String out = sClient("-psk_identity", device.identity(), "-psk", HexFormat.of().formatHex(device.key()), "-cipher", suite);

        assertThat(out).contains("CONNECTION ESTABLISHED").contains("Ciphersuite: " + suite);
    }

    @ParameterizedTest
    @ValueSource(strings = {"ECDHE-ECDSA-AES128-CCM8", "ECDHE-ECDSA-AES128-GCM-SHA256", "ECDHE-ECDSA-AES128-SHA256"})
    void aCertificateSuiteOfferedAloneCompletesAHandshake(String suite) throws Exception {
        Fixtures.Device device = Fixtures.deviceWith(server, "X509", dm);
        JsonNode credential = device.created().get("bootstrapCredential");
        Path cert = write("cert-" + suite + ".pem", credential.get("certificate").asString());
        Path key = write("key-" + suite + ".pem", credential.get("privateKey").asString());

        int logged = TestOutput.captured().length();

        String out = sClient("-cert", cert.toString(), "-key", key.toString(), "-cipher", suite);

        assertThat(out).contains("CONNECTION ESTABLISHED").contains("Ciphersuite: " + suite);
        // Scandium's two INFO lines per certificate handshake stay out of the log (application.yml).
        assertThat(TestOutput.captured().substring(logged)).doesNotContain("Start certificate");
    }

    @Test
    void ellipticCurveWorkRunsOnTheNativeArithmetic() throws Exception {
        // Installed before the context (provisioning.crypto.ec-provider's default, auto): what Scandium's ECDHE,
        // the certificate checks and the CA's signatures in the other tests ran on. CI runs on Linux x86-64,
        // where Conscrypt's library loads.
        assertThat(EllipticCurveProvider.installed()).contains(EllipticCurveProvider.Arithmetic.NATIVE);
        assertThat(java.security.Security.getProviders()[0].getName()).isEqualTo(EllipticCurveProvider.NAME);
        assertThat(javax.crypto.KeyAgreement.getInstance("ECDH").getProvider().getName()).isEqualTo(EllipticCurveProvider.NAME);
        assertThat(java.security.Signature.getInstance("SHA256withECDSA").getProvider().getName()).isEqualTo(EllipticCurveProvider.NAME);
    }

    @Test
    void aClientWithNoCommonSuiteGetsAHandshakeFailureAlertAndIsCountedNotBlocked() throws Exception {
        Fixtures.Device device = Fixtures.device(server, dm);
        double before = failures("no-common-cipher-suite");

        for (int i = 0; i < 5; i++) {
            String out = sClient("-psk_identity", device.identity(), "-psk", HexFormat.of().formatHex(device.key()),
                    "-cipher", "PSK-AES256-CBC-SHA384");
            assertThat(out).contains("alert handshake failure");
        }

        assertThat(failures("no-common-cipher-suite") - before).isEqualTo(5);
        // Five configuration mismatches from this address, and a limit of four: it is not blocked.
        assertBootstraps(device);
    }

    @Test
    void aWrongKeyIsRecordedOnceAgainstItsDeviceAndCountsOnceAgainstTheSource() throws Exception {
        Fixtures.Device device = Fixtures.device(server, dm);
        byte[] wrong = HexFormat.of().parseHex("000102030405060708090a0b0c0d0e0f");
        double before = failures("wrong-key");

        InetAddress source = InetAddress.getByName("127.0.0.2");
        for (int i = 0; i < 3; i++) {
            try (RawCoapsDevice client = RawCoapsDevice.pskFrom(source, device.identity(), wrong)) {
                assertThat(client.bootstrapRequest(server.coaps(), true, "ep=" + device.endpoint())).isNull();
            }
        }

        assertThat(failures("wrong-key") - before).isEqualTo(3);
        JsonNode recorded = server.call("GET", "/api/v1/devices/" + device.endpoint() + "/handshake-failures", null).json();
        assertThat(recorded).singleElement().satisfies(f -> {
            assertThat(f.get("reason").asString()).isEqualTo("WRONG_KEY");
            assertThat(f.get("failures").asLong()).isEqualTo(3);
            assertThat(f.get("lastIdentity").asString()).isEqualTo(device.identity());
            assertThat(f.get("lastPeer").asString()).startsWith("127.0.0.2:");
        });
        // Each failed handshake counted once (the client retransmitted its Finished): 3 of 4, not blocked.
        try (RawCoapsDevice client = RawCoapsDevice.pskFrom(source, device.identity(), device.key())) {
            assertThat(client.bootstrapRequest(server.coaps(), true, "ep=" + device.endpoint()).getCode())
                    .isEqualTo(ResponseCode.CHANGED);
        }
    }

    @Test
    void anUnknownIdentityIsCountedButWrittenNowhere() throws Exception {
        JdbcTemplate jdbc = server.bean(JdbcTemplate.class);
        Integer rows = jdbc.queryForObject("SELECT count(*) FROM handshake_failures", Integer.class);
        double before = failures("unknown-psk-identity");

        try (RawCoapsDevice client = RawCoapsDevice.pskFrom(InetAddress.getByName("127.0.0.3"), "nobody-" + System.nanoTime(),
                new byte[16])) {
            assertThat(client.bootstrapRequest(server.coaps(), true, "ep=nobody")).isNull();
        }

        assertThat(failures("unknown-psk-identity") - before).isEqualTo(1);
        server.call("GET", "/api/v1/devices/" + Fixtures.device(server, dm).endpoint() + "/handshake-failures", null);
        assertThat(jdbc.queryForObject("SELECT count(*) FROM handshake_failures", Integer.class)).isEqualTo(rows);
    }

    @Test
    void aRevokedCertificateIsRecordedAgainstItsDevice() throws Exception {
        Fixtures.Device device = Fixtures.deviceWith(server, "X509", dm);
        JsonNode credential = device.created().get("bootstrapCredential");
        TestServer.ApiResponse revoked = server.call("POST", "/api/v1/certificates/" + credential.get("certificateSerial").asString()
                + "/revoke", "{\"reason\":\"keyCompromise\"}");
        assertThat(revoked.status()).as(revoked.toString()).isEqualTo(200);
        Path cert = write("revoked-cert.pem", credential.get("certificate").asString());
        Path key = write("revoked-key.pem", credential.get("privateKey").asString());

        String out = sClient("-cert", cert.toString(), "-key", key.toString());

        assertThat(out).contains("alert bad certificate");
        JsonNode recorded = server.call("GET", "/api/v1/devices/" + device.endpoint() + "/handshake-failures", null).json();
        assertThat(recorded).singleElement().satisfies(f -> {
            assertThat(f.get("reason").asString()).isEqualTo("CERTIFICATE_REVOKED");
            assertThat(f.get("lastIdentity").asString()).contains(credential.get("certificateSerial").asString());
        });
    }

    /**
     * A certificate copying one of this CA's (its issuer name, serial, subject and key) but signed by
     * another key: nothing of it is this CA's, so it is untrusted and nobody can pin the failure on
     * the device it imitates; the genuine certificate still completes a handshake.
     */
    @Test
    void aCertificateImitatingOneOfThisCasIsUntrustedAndNotPinnedOnItsDevice() throws Exception {
        Fixtures.Device device = Fixtures.deviceWith(server, "X509", dm);
        JsonNode credential = device.created().get("bootstrapCredential");
        X509Certificate genuine = (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(
                new ByteArrayInputStream(credential.get("certificate").asString().getBytes(StandardCharsets.US_ASCII)));
        KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
        generator.initialize(new ECGenParameterSpec("secp256r1"));
        KeyPair rogue = generator.generateKeyPair();
        X509Certificate imitation = new JcaX509CertificateConverter().getCertificate(new JcaX509v3CertificateBuilder(
                genuine.getIssuerX500Principal(), genuine.getSerialNumber(), genuine.getNotBefore(), genuine.getNotAfter(),
                genuine.getSubjectX500Principal(), genuine.getPublicKey())
                .build(new JcaContentSignerBuilder("SHA256withECDSA").build(rogue.getPrivate())));
        Path cert = write("imitation-cert.pem", "-----BEGIN CERTIFICATE-----\n"
                + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(imitation.getEncoded())
                + "\n-----END CERTIFICATE-----\n");
        Path key = write("imitation-key.pem", credential.get("privateKey").asString());
        double untrusted = failures("certificate-untrusted");

        // From an address of its own: the refusal counts against its source.
        assertThat(sClient("-cert", cert.toString(), "-key", key.toString(), "-bind", "127.0.0.4:0")).contains("alert bad certificate");

        assertThat(failures("certificate-untrusted")).isEqualTo(untrusted + 1);
        assertThat(server.call("GET", "/api/v1/devices/" + device.endpoint() + "/handshake-failures", null).json()).isEmpty();
        Path genuineCert = write("genuine-cert.pem", credential.get("certificate").asString());
        assertThat(sClient("-cert", genuineCert.toString(), "-key", key.toString())).contains("CONNECTION ESTABLISHED");
    }

    @ParameterizedTest
    @ValueSource(strings = {"-verify_hostname=bs.example.com", "-verify_hostname=bootstrap.example.net", "-verify_ip=10.1.2.3",
            "-verify_ip=127.0.0.1"})
    void theBootstrapServersCertificatePassesAClientsNameCheckForEachConfiguredName(String check) throws Exception {
        Fixtures.Device device = Fixtures.deviceWith(server, "X509", dm);
        JsonNode credential = device.created().get("bootstrapCredential");
        Path cert = write("names-cert.pem", credential.get("certificate").asString());
        Path key = write("names-key.pem", credential.get("privateKey").asString());
        Path ca = write("ca.pem", server.call("GET", "/api/v1/ca/certificates", null, null).body());
        String[] option = check.split("=");

        String out = sClient("-cert", cert.toString(), "-key", key.toString(), "-CAfile", ca.toString(),
                "-verify_return_error", option[0], option[1]);

        assertThat(out).contains("CONNECTION ESTABLISHED").contains("Verification: OK");
    }

    @Test
    void aNameTheCertificateDoesNotCarryFailsTheClientsCheck() throws Exception {
        Fixtures.Device device = Fixtures.deviceWith(server, "X509", dm);
        JsonNode credential = device.created().get("bootstrapCredential");
        Path cert = write("other-cert.pem", credential.get("certificate").asString());
        Path key = write("other-key.pem", credential.get("privateKey").asString());
        Path ca = write("ca-other.pem", server.call("GET", "/api/v1/ca/certificates", null, null).body());

        String out = sClient("-cert", cert.toString(), "-key", key.toString(), "-CAfile", ca.toString(),
                "-verify_return_error", "-verify_hostname", "localhost");

        assertThat(out).doesNotContain("CONNECTION ESTABLISHED").contains("hostname mismatch");
    }

    @Test
    void aDeviceThatNeverFailedHasNoHandshakeFailuresAndAnUnknownOneIs404() {
        Fixtures.Device device = Fixtures.device(server, dm);

        assertThat(server.call("GET", "/api/v1/devices/" + device.endpoint() + "/handshake-failures", null).json()).isEmpty();
        assertThat(server.call("GET", "/api/v1/devices/no-such-device/handshake-failures", null).status()).isEqualTo(404);
    }

    /**
     * Every handshake schedules retransmission and last-flight timers and cancels most of them. A
     * cancelled one must leave the connector's timer queue at once (decision 093): Scandium's own timer
     * kept them until they would have fired, ~35,000 at 1,000 handshakes/s.
     */
    @Test
    void cancelledHandshakeTimersLeaveTheConnectorsQueue() throws Exception {
        for (int i = 0; i < 5; i++) {
            assertBootstraps(Fixtures.device(server, dm));
        }
        Field connectorField = BootstrapEndpoints.class.getDeclaredField("dtlsConnector");
        connectorField.setAccessible(true);
        Field timerField = DTLSConnector.class.getDeclaredField("timer");
        timerField.setAccessible(true);
        Object timer = timerField.get(connectorField.get(server.bean(BootstrapEndpoints.class)));
        assertThat(timer).as("the connector's timer").isInstanceOf(ScheduledThreadPoolExecutor.class);
        ScheduledThreadPoolExecutor pool = (ScheduledThreadPoolExecutor) timer;
        assertThat(pool.getRemoveOnCancelPolicy()).isTrue();
        assertThat(pool.getQueue()).as("only timers still pending are queued")
                .noneMatch(task -> ((java.util.concurrent.Future<?>) task).isCancelled());
    }

    private static void assertBootstraps(Fixtures.Device device) throws Exception {
        try (RawCoapsDevice client = RawCoapsDevice.psk(device.identity(), device.key(), RawCoapsDevice.silent())) {
            assertThat(client.bootstrapRequest(server.coaps(), true, "ep=" + device.endpoint()).getCode())
                    .isEqualTo(ResponseCode.CHANGED);
        }
    }

    private static double failures(String reason) {
        return server.bean(MeterRegistry.class).counter("provisioning.dtls.handshake.failures", "reason", reason).count();
    }

    private static Path write(String name, String pem) throws Exception {
        return Files.writeString(work.resolve(name), pem, StandardCharsets.US_ASCII);
    }

    /** {@code openssl s_client -dtls1_2 -brief} to the bootstrap server with these options; its output. */
    private static String sClient(String... options) throws Exception {
        List<String> command = new ArrayList<>(List.of("openssl", "s_client", "-dtls1_2", "-brief", "-connect",
                "127.0.0.1:" + server.coaps().getPort()));
        command.addAll(List.of(options));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        process.getOutputStream().close(); // end of input: s_client closes the connection after the handshake
        if (!process.waitFor(Duration.ofSeconds(20).toSeconds(), TimeUnit.SECONDS)) {
            process.destroyForcibly();
        }
        return new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    }
}
