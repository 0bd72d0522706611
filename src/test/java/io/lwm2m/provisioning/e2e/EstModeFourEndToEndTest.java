package io.lwm2m.provisioning.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.lwm2m.provisioning.testing.RequiresTool;
import io.lwm2m.provisioning.e2e.EstSupport.PskDevice;
import io.lwm2m.provisioning.e2e.EstSupport.Workbench;
import io.lwm2m.provisioning.e2e.LeshanDevice.Flavour;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.eclipse.californium.core.coap.CoAP;
import org.eclipse.californium.core.coap.MediaTypeRegistry;
import org.eclipse.californium.core.coap.Request;
import org.eclipse.californium.core.coap.Response;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * LwM2M security mode 4 ("certificate with EST"): the bootstrap writes the DM server's
 * certificate and leaves the device's key and certificate empty; after Bootstrap-Finish the device
 * enrolls over the same DTLS connection, the certificate lands on its mode-4 account, and a later
 * sren rotates it like any credential.
 */
@RequiresTool(value = "openssl", debianPackage = "openssl")
class EstModeFourEndToEndTest {

    private static TestServer server;
    private static String dm;
    private static String profile;
    private static Workbench bench;

    @BeforeAll
    static void setUp() {
        server = TestServer.shared();
        dm = EstSupport.estServer(server, 611);
        profile = EstSupport.profile(server, dm, "{\"allowBootstrapCredential\":true}");
        bench = new Workbench(server);
    }

    @Test
    void leshanBootstrapsIntoModeFourWithTheServerCertificateAndEmptyKeyResources() throws Exception {
        PskDevice device = EstSupport.pskDevice(server, profile);
        byte[] serverCertificate = io.lwm2m.provisioning.ca.Pem.parseCertificates(server.call("GET", "/api/v1/bootstrap-server",
                null, null).json().get("certificateChain").asString()).get(0).getEncoded();
        Map<Integer, Map<Integer, Object>> security;
        try (LeshanDevice client = LeshanDevice.start(device.endpoint(), server.coaps(), device.identity(),
                device.key().getBytes(StandardCharsets.US_ASCII), Flavour.LWM2M_1_1_SENML_CBOR)) {
            LeshanDevice.Outcome outcome = client.awaitBootstrap(Duration.ofSeconds(30));
            // Leshan's client has no EST: after Bootstrap-Finish it cannot open a mode-4 connection and
            // says so. The bootstrap itself completed, and the client holds what was written.
            assertThat(outcome.success() || String.valueOf(outcome.message()).contains("unsupported security mode"))
                    .as(outcome.toString()).isTrue();
            security = client.instances(0);
        }
        awaitSessionOutcome(device.endpoint(), "SUCCEEDED");
        Map<Integer, Object> account = security.values().stream().filter(r -> Long.valueOf(611).equals(r.get(10))).findFirst()
                .orElseThrow(() -> new AssertionError("no Security instance for ssid 611 in " + security));
        assertThat(account.get(2)).isEqualTo(4L);
        assertThat((byte[]) account.get(4)).isEqualTo(serverCertificate);
        assertThat((byte[]) account.get(3)).isEmpty();
        assertThat((byte[]) account.get(5)).isEmpty();
    }

    @Test
    void theDeviceEnrollsOverItsBootstrapConnectionAndSrenRotatesTheCertificate() throws Exception {
        PskDevice device = EstSupport.pskDevice(server, profile);
        List<String> served = new CopyOnWriteArrayList<>();
        Path key = bench.key("mode4", "ec:P-256");
        byte[] csr = bench.csr(key, device.endpoint());
        X509Pair first;
        try (RawCoapsDevice client = RawCoapsDevice.psk(device.identity(), device.key().getBytes(StandardCharsets.US_ASCII),
                request -> {
                    served.add(request.getCode() + " " + request.getOptions().getUriPathString());
                    return switch (request.getCode()) {
                        case GET -> {
                            Response discover = new Response(CoAP.ResponseCode.CONTENT);
                            discover.getOptions().setContentFormat(MediaTypeRegistry.APPLICATION_LINK_FORMAT);
                            discover.setPayload("</>;lwm2m=1.0,</0/0>,</1>");
                            yield discover;
                        }
                        case DELETE -> new Response(CoAP.ResponseCode.DELETED);
                        default -> new Response(CoAP.ResponseCode.CHANGED);
                    };
                })) {
            Response accepted = client.bootstrapRequest(server.coaps(), true, "ep=" + device.endpoint());
            assertThat(accepted.getCode()).isEqualTo(CoAP.ResponseCode.CHANGED);
            awaitSessionOutcome(device.endpoint(), "SUCCEEDED");
            assertThat(served).last().isEqualTo("POST bs");

            // Bootstrap-Finish done: the device now enrolls on the same DTLS connection, as Anjay does.
            Request sen = Request.newPost();
            sen.setURI("coaps://127.0.0.1:" + server.coaps().getPort() + "/.well-known/est/sen");
            sen.getOptions().setContentFormat(286).setAccept(287);
            sen.setPayload(csr);
            Response enrolled = client.send(sen);
            assertThat(enrolled).isNotNull();
            assertThat(enrolled.getCode()).as(enrolled.getPayloadString()).isEqualTo(CoAP.ResponseCode.CHANGED);
            first = new X509Pair(bench.certificatePem("mode4-" + device.identity(), enrolled.getPayload()), key);
        }
        // The DM server, trusting our CA, accepts it: it chains to our root.
        assertThat(bench.verify(first.certificate())).contains(": OK");
        List<JsonNode> account = EstSupport.serverCredentials(server, device.endpoint(), dm);
        assertThat(account).hasSize(1);
        String firstSerial = account.get(0).get("certificateSerial").asString();
        assertThat(account.get(0).get("status").asString()).isEqualTo("ACTIVE");
        assertThat(account.get(0).get("certificate").asString()).isNotBlank();

        // Before expiry the device re-enrolls, authenticated by the certificate it holds.
        Path newKey = bench.key("mode4-renewed", "ec:P-256");
        CoapClientCli.Result renewed = CoapClientCli.certificate(CoapClientCli.Build.OPENSSL, first.certificate(), first.key())
                .post("coaps://127.0.0.1:" + server.coaps().getPort() + "/.well-known/est/sren", bench.csr(newKey, device.endpoint()),
                        286, 287, null);
        assertThat(renewed.code()).as(renewed.toString()).isEqualTo("2.04");
        List<JsonNode> rotated = EstSupport.serverCredentials(server, device.endpoint(), dm);
        assertThat(rotated).hasSize(2);
        JsonNode pending = rotated.stream().filter(c -> c.get("status").asString().equals("PENDING")).findFirst().orElseThrow();
        assertThat(server.call("GET", "/api/v1/certificates/" + firstSerial, null).json().get("status").asString()).isEqualTo("VALID");

        // The DM server sees the new certificate in use: the old one retires, revoked as superseded.
        TestServer.ApiResponse confirmed = server.call("POST", "/api/v1/devices/" + device.endpoint() + "/credentials/"
                + pending.get("id").asLong() + "/confirm", null);
        assertThat(confirmed.status()).as(confirmed.toString()).isEqualTo(200);
        JsonNode old = server.call("GET", "/api/v1/certificates/" + firstSerial, null).json();
        assertThat(old.get("status").asString()).isEqualTo("REVOKED");
        assertThat(old.get("revocationReason").asInt()).isEqualTo(4);
        assertThat(EstSupport.serverCredentials(server, device.endpoint(), dm)).extracting(c -> c.get("certificateSerial").asString())
                .containsExactly(pending.get("certificateSerial").asString());

        // The rotation's transactions wrote several audit rows each, inserted together at their commit: one chain still.
        assertThat(server.call("GET", "/api/v1/audit?target=certificate:" + firstSerial, null).json().valueStream()
                .map(e -> e.get("action").asString()).toList()).contains("certificate.issue", "certificate.revoke");
        JsonNode verification = server.call("GET", "/api/v1/audit/verify", null).json();
        assertThat(verification.get("valid").asBoolean()).as(verification.toString()).isTrue();
    }

    /**
     * An enrollment authorized just before a security officer's revocation of the device's mode-4
     * credential committed must not store a certificate on it (decision 094). Before, a re-enrollment
     * stored it as a pending credential beside the revoked one, which then authenticated, and a first
     * enrollment put a valid certificate on the revoked credential. The test holds the revocation open
     * in the server's own transaction while libcoap's client enrolls.
     */
    @Test
    void anEnrollmentSentWhileARevocationHoldsTheDeviceIsRefusedAndIssuesNothing() throws Exception {
        String est = "coaps://127.0.0.1:" + server.coaps().getPort() + "/.well-known/est/";
        // A first enrollment, over the bootstrap PSK (which stays live: only the mode-4 account is revoked).
        PskDevice waiting = EstSupport.pskDevice(server, profile);
        Path waitingKey = bench.key("mode4-race-first", "ec:P-256");
        CoapClientCli.Result first = whileRevoking(waiting, () -> CoapClientCli.psk(CoapClientCli.Build.OPENSSL,
                waiting.identity(), waiting.key()).post(est + "sen", bench.csr(waitingKey, waiting.endpoint()), 286, 287, null));
        assertThat(first.code()).as(first.toString()).isEqualTo("4.03");
        assertThat(EstSupport.certificates(server, waiting.endpoint()).size()).as("nothing recorded").isZero();

        // A renewal, with the certificate of the credential being revoked.
        PskDevice device = EstSupport.pskDevice(server, profile);
        Path key = bench.key("mode4-race", "ec:P-256");
        CoapClientCli.Result enrolled = CoapClientCli.psk(CoapClientCli.Build.OPENSSL, device.identity(), device.key())
                .post(est + "sen", bench.csr(key, device.endpoint()), 286, 287, null);
        assertThat(enrolled.code()).as(enrolled.toString()).isEqualTo("2.04");
        Path certificate = bench.certificatePem("mode4-race-" + device.identity(), enrolled.payload());
        CoapClientCli.Result renewal = whileRevoking(device, () -> CoapClientCli.certificate(CoapClientCli.Build.OPENSSL,
                certificate, key).post(est + "sren", bench.csr(bench.key("mode4-race-renewed", "ec:P-256"), device.endpoint()),
                286, 287, null));
        assertThat(renewal.code()).as(renewal.toString()).isEqualTo("4.03");
        assertThat(EstSupport.serverCredentials(server, device.endpoint(), dm))
                .as("no pending credential beside the revoked one").isEmpty();
        assertThat(EstSupport.certificates(server, device.endpoint()).valueStream().map(c -> c.get("status").asString()))
                .as("the refused renewal's certificate was never recorded").containsExactly("REVOKED");
    }

    /** Runs {@code enrollment} while the server's own transaction revokes the device's mode-4 credential, then commits. */
    private static CoapClientCli.Result whileRevoking(PskDevice device, java.util.function.Supplier<CoapClientCli.Result> enrollment)
            throws Exception {
        long deviceId = server.bean(org.springframework.jdbc.core.JdbcTemplate.class)
                .queryForObject("SELECT id FROM devices WHERE endpoint = ?", Long.class, device.endpoint());
        var credentials = server.bean(io.lwm2m.provisioning.bootstrap.credentials.DeviceCredentialRepository.class);
        java.util.concurrent.CompletableFuture<CoapClientCli.Result> result = new java.util.concurrent.CompletableFuture<>();
        server.inTransaction(status -> {
            List<io.lwm2m.provisioning.bootstrap.credentials.DeviceCredential> account = credentials
                    .findLiveEstCredentials(device.endpoint());
            assertThat(account).hasSize(1);
            server.bean(io.lwm2m.provisioning.bootstrap.credentials.CredentialLifecycle.class)
                    .revoke(account, 1, io.lwm2m.provisioning.audit.Actor.SYSTEM);
            result.completeAsync(enrollment);
            server.awaitLockWaitOrDone(result);
        });
        return result.get(60, java.util.concurrent.TimeUnit.SECONDS);
    }

    private record X509Pair(Path certificate, Path key) {
    }

    private static void awaitSessionOutcome(String endpoint, String outcome) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
        String last = null;
        while (System.nanoTime() < deadline) {
            JsonNode sessions = server.call("GET", "/api/v1/devices/" + endpoint + "/sessions", null).json();
            last = sessions.isEmpty() ? null : sessions.get(0).get("outcome").asString();
            if (outcome.equals(last)) {
                return;
            }
            Thread.sleep(100);
        }
        throw new AssertionError("session of " + endpoint + " ended " + last + ", not " + outcome);
    }
}
