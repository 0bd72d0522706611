package io.lwm2m.provisioning.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.lwm2m.provisioning.e2e.LeshanDevice.Flavour;
import java.io.ByteArrayInputStream;
import java.math.BigInteger;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.cert.CertificateFactory;
import java.security.cert.X509CRL;
import java.time.Duration;
import java.util.List;
import org.eclipse.leshan.core.ResponseCode;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/** Disabling, enabling and deleting a device, end to end with Eclipse Leshan's client over DTLS. */
class DeviceLifecycleTest {

    private static TestServer server;
    private static String dm;

    @BeforeAll
    static void start() {
        server = TestServer.shared();
        dm = Fixtures.server(server, "coaps://dm.example:5684", 121, 300, "U", "PSK", true);
    }

    @Test
    void aDisabledDeviceIsRefusedWith400AndTheReasonIsAuditedUntilItIsEnabledAgain() throws Exception {
        Fixtures.Device device = Fixtures.device(server, dm);
        assertThat(state(device)).isEqualTo("ACTIVE");

        TestServer.ApiResponse disabled = server.call("POST", "/api/v1/devices/" + device.endpoint() + "/disable",
                "{\"reason\":\"reported stolen at line 3\"}");
        assertThat(disabled.status()).as(disabled.toString()).isEqualTo(200);
        assertThat(disabled.json().get("state").asString()).isEqualTo("DISABLED");
        assertThat(state(device)).isEqualTo("DISABLED");

        try (LeshanDevice client = LeshanDevice.start(device.endpoint(), server.coaps(), device.identity(), device.key(),
                Flavour.LWM2M_1_1_SENML_CBOR)) {
            LeshanDevice.Outcome outcome = client.awaitBootstrap(Duration.ofSeconds(20));
            assertThat(outcome.success()).isFalse();
            assertThat(outcome.code()).isEqualTo(ResponseCode.BAD_REQUEST);
        }
        JsonNode refusal = audit("action=bootstrap.request&target=device:" + device.endpoint()).get(0);
        assertThat(refusal.get("outcome").asString()).isEqualTo("DENIED");
        assertThat(refusal.get("details").get("reason").asString()).contains("is DISABLED");
        JsonNode disabling = audit("action=device.disable&target=device:" + device.endpoint()).get(0);
        assertThat(disabling.get("details").get("reason").asString()).isEqualTo("reported stolen at line 3");
        assertThat(disabling.get("actor").asString()).isEqualTo("api-key:initial-admin");

        TestServer.ApiResponse enabled = server.call("POST", "/api/v1/devices/" + device.endpoint() + "/enable", null);
        assertThat(enabled.json().get("state").asString()).isEqualTo("ACTIVE");
        try (LeshanDevice client = LeshanDevice.start(device.endpoint(), server.coaps(), device.identity(), device.key(),
                Flavour.LWM2M_1_1_SENML_CBOR)) {
            assertThat(client.awaitBootstrap(Duration.ofSeconds(20)).success()).isTrue();
        }
        assertThat(audit("action=device.enable&target=device:" + device.endpoint())).hasSize(1);
    }

    @Test
    void aDeletedDeviceLosesEveryCredentialAndKeepsItsHistory() throws Exception {
        Fixtures.Device device = Fixtures.device(server, dm);
        try (LeshanDevice client = LeshanDevice.start(device.endpoint(), server.coaps(), device.identity(), device.key(),
                Flavour.LWM2M_1_1_SENML_CBOR)) {
            assertThat(client.awaitBootstrap(Duration.ofSeconds(20)).success()).isTrue();
        }

        TestServer.ApiResponse deleted = server.call("DELETE", "/api/v1/devices/" + device.endpoint(), null);
        assertThat(deleted.status()).as(deleted.toString()).isEqualTo(200);
        assertThat(deleted.json().get("state").asString()).isEqualTo("DELETED");
        assertThat(deleted.json().get("serverCredentials")).isEmpty();

        try (RawCoapsDevice raw = RawCoapsDevice.psk(device.identity(), device.key(), RawCoapsDevice.silent())) {
            assertThat(raw.bootstrapRequest(server.coaps(), true, "ep=" + device.endpoint()))
                    .as("the revoked bootstrap PSK no longer completes a handshake").isNull();
        }

        // The tombstone and its history stay; the endpoint is not handed out again.
        JsonNode tombstone = server.call("GET", "/api/v1/devices/" + device.endpoint(), null).json();
        assertThat(tombstone.get("state").asString()).isEqualTo("DELETED");
        assertThat(tombstone.has("bootstrapCredential")).isFalse();
        JsonNode sessions = server.call("GET", "/api/v1/devices/" + device.endpoint() + "/sessions", null).json();
        assertThat(sessions.valueStream().map(s -> s.get("outcome").asString())).contains("SUCCEEDED");
        assertThat(audit("target=device:" + device.endpoint()).valueStream().map(e -> e.get("action").asString()))
                .contains("device.create", "device.delete", "credential.revoke");
        TestServer.ApiResponse again = server.call("POST", "/api/v1/devices", """
                {"endpoint":"%s","servers":["%s"],"bootstrapCredential":{"mode":"PSK"}}""".formatted(device.endpoint(), dm));
        assertThat(again.status()).isEqualTo(409);
        for (String change : new String[] {"/enable", "/disable", "/credentials/rotate"}) {
            TestServer.ApiResponse refused = server.call("POST", "/api/v1/devices/" + device.endpoint() + change,
                    change.endsWith("rotate") ? "{\"target\":\"bootstrap\"}" : null);
            assertThat(refused.status()).as(change + ": " + refused).isEqualTo(409);
        }
        assertThat(server.call("DELETE", "/api/v1/devices/" + device.endpoint(), null).status()).isEqualTo(409);
        assertThat(server.call("GET", "/api/v1/devices", null).body()).doesNotContain(device.endpoint());
        assertThat(server.call("GET", "/api/v1/devices?state=DELETED&limit=1000", null).body()).contains(device.endpoint());
    }

    @Test
    void deletingADeviceRevokesItsCertificatesThroughTheCa() throws Exception {
        Fixtures.Device device = Fixtures.deviceWith(server, "X509", dm);
        String serial = device.created().get("bootstrapCredential").get("certificateSerial").asString();
        assertThat(server.call("DELETE", "/api/v1/devices/" + device.endpoint(), null).status()).isEqualTo(200);

        JsonNode certificate = server.call("GET", "/api/v1/certificates/" + serial, null).json();
        assertThat(certificate.get("status").asString()).isEqualTo("REVOKED");
        assertThat(certificate.get("revocationReason").asInt()).as("cessationOfOperation").isEqualTo(5);
        HttpResponse<byte[]> crl = HttpClient.newHttpClient().send(
                HttpRequest.newBuilder(URI.create(server.baseUrl() + "/api/v1/ca/crl")).build(), HttpResponse.BodyHandlers.ofByteArray());
        X509CRL parsed = (X509CRL) CertificateFactory.getInstance("X.509").generateCRL(new ByteArrayInputStream(crl.body()));
        assertThat(parsed.getRevokedCertificate(new BigInteger(serial, 16))).isNotNull();
    }

    @Test
    void concurrentStateChangesAnswer200Or409AndNeverAnError() throws Exception {
        Fixtures.Device device = Fixtures.device(server, dm);
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(8);
        try {
            List<java.util.concurrent.Future<Integer>> answers = new java.util.ArrayList<>();
            for (int i = 0; i < 24; i++) {
                String change = i % 2 == 0 ? "/disable" : "/enable";
                answers.add(pool.submit(() -> server.call("POST", "/api/v1/devices/" + device.endpoint() + change, null).status()));
            }
            for (java.util.concurrent.Future<Integer> answer : answers) {
                assertThat(answer.get()).isIn(200, 409);
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(state(device)).isIn("ACTIVE", "DISABLED");
    }

    private static String state(Fixtures.Device device) {
        return server.call("GET", "/api/v1/devices/" + device.endpoint(), null).json().get("state").asString();
    }

    private static JsonNode audit(String query) {
        TestServer.ApiResponse response = server.call("GET", "/api/v1/audit?" + query, null);
        assertThat(response.status()).as(response.toString()).isEqualTo(200);
        return response.json();
    }
}
