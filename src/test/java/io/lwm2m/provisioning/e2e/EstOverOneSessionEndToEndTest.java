package io.lwm2m.provisioning.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.lwm2m.provisioning.testing.RequiresTool;
import io.lwm2m.provisioning.e2e.EstSupport.PskDevice;
import io.lwm2m.provisioning.e2e.EstSupport.Workbench;
import java.nio.charset.StandardCharsets;
import org.eclipse.californium.core.coap.CoAP;
import org.eclipse.californium.core.coap.Request;
import org.eclipse.californium.core.coap.Response;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A device that keeps its DTLS session and enrolls again and again (what the EST benchmark does)
 * is judged afresh on every request: the server keeps parsed EST policies across requests, but a
 * disabled device, an edited profile or a revoked credential counts from the very next request on
 * the same session.
 */
@RequiresTool(value = "openssl", debianPackage = "openssl")
class EstOverOneSessionEndToEndTest {

    private static TestServer server;
    private static String dm;
    private static Workbench bench;

    @BeforeAll
    static void setUp() {
        server = TestServer.shared();
        dm = EstSupport.estServer(server, 621);
        bench = new Workbench(server);
    }

    @Test
    void aDisabledDeviceIsRefusedOnItsNextRequestAndEnrollsAgainOnceEnabled() throws Exception {
        PskDevice device = EstSupport.pskDevice(server, EstSupport.profile(server, dm, "{\"allowBootstrapCredential\":true}"));
        byte[] csr = bench.csr(bench.key("session-disable", "ec:P-256"), device.endpoint());
        try (RawCoapsDevice client = connect(device)) {
            assertThat(sen(client, csr).getCode()).isEqualTo(CoAP.ResponseCode.CHANGED);

            assertThat(server.call("POST", "/api/v1/devices/" + device.endpoint() + "/disable", null).status()).isEqualTo(200);
            Response refused = sen(client, csr);
            assertThat(refused.getCode()).as(refused.getPayloadString()).isEqualTo(CoAP.ResponseCode.FORBIDDEN);
            assertThat(refused.getPayloadString()).startsWith("device.disabled:");

            assertThat(server.call("POST", "/api/v1/devices/" + device.endpoint() + "/enable", null).status()).isEqualTo(200);
            assertThat(sen(client, csr).getCode()).isEqualTo(CoAP.ResponseCode.CHANGED);
        }
        assertThat(EstSupport.certificates(server, device.endpoint()).size()).as("issued before and after, not while disabled")
                .isEqualTo(2);
    }

    @Test
    void aProfileEditCountsFromTheNextRequest() throws Exception {
        String profile = EstSupport.profile(server, dm, "{\"allowBootstrapCredential\":true,\"keyTypes\":[\"P-256\"]}");
        PskDevice device = EstSupport.pskDevice(server, profile);
        byte[] p256 = bench.csr(bench.key("session-p256", "ec:P-256"), device.endpoint());
        byte[] p384 = bench.csr(bench.key("session-p384", "ec:P-384"), device.endpoint());
        try (RawCoapsDevice client = connect(device)) {
            assertThat(sen(client, p256).getCode()).isEqualTo(CoAP.ResponseCode.CHANGED);
            Response before = sen(client, p384);
            assertThat(before.getCode()).isEqualTo(CoAP.ResponseCode.FORBIDDEN);
            assertThat(before.getPayloadString()).startsWith("csr.key-type:");

            editEst(profile, "{\"allowBootstrapCredential\":true,\"keyTypes\":[\"P-384\"]}");
            Response nowAllowed = sen(client, p384);
            assertThat(nowAllowed.getCode()).as(nowAllowed.getPayloadString()).isEqualTo(CoAP.ResponseCode.CHANGED);
            Response nowRefused = sen(client, p256);
            assertThat(nowRefused.getCode()).isEqualTo(CoAP.ResponseCode.FORBIDDEN);
            assertThat(nowRefused.getPayloadString()).startsWith("csr.key-type:");

            editEst(profile, "{\"allowBootstrapCredential\":false}");
            Response noPsk = sen(client, p256);
            assertThat(noPsk.getCode()).isEqualTo(CoAP.ResponseCode.FORBIDDEN);
            assertThat(noPsk.getPayloadString()).startsWith("client.bootstrap-credential:");
        }
        assertThat(EstSupport.certificates(server, device.endpoint()).size()).isEqualTo(2);
    }

    @Test
    void aRevokedBootstrapCredentialEnrollsNothingMore() throws Exception {
        PskDevice device = EstSupport.pskDevice(server, EstSupport.profile(server, dm, "{\"allowBootstrapCredential\":true}"));
        byte[] csr = bench.csr(bench.key("session-revoke", "ec:P-256"), device.endpoint());
        try (RawCoapsDevice client = connect(device)) {
            assertThat(sen(client, csr).getCode()).isEqualTo(CoAP.ResponseCode.CHANGED);

            TestServer.ApiResponse revoked = server.call("POST", "/api/v1/devices/" + device.endpoint() + "/credentials/revoke",
                    "{\"target\":\"bootstrap\",\"reason\":\"keyCompromise\"}");
            assertThat(revoked.status()).as(revoked.toString()).isEqualTo(200);
            // The server drops the device's DTLS session, or refuses it if the request still arrives on it;
            // a new handshake with the revoked PSK fails. Either way: no certificate.
            Response after = sen(client, csr);
            if (after != null) {
                assertThat(after.getCode()).as(after.getPayloadString()).isEqualTo(CoAP.ResponseCode.FORBIDDEN);
                assertThat(after.getPayloadString()).startsWith("client.unknown:");
            }
        }
        assertThat(EstSupport.certificates(server, device.endpoint()).size()).isEqualTo(1);
    }

    private static RawCoapsDevice connect(PskDevice device) {
        return RawCoapsDevice.psk(device.identity(), device.key().getBytes(StandardCharsets.US_ASCII), request -> null);
    }

    private static Response sen(RawCoapsDevice client, byte[] csr) throws InterruptedException {
        Request sen = Request.newPost();
        sen.setURI("coaps://127.0.0.1:" + server.coaps().getPort() + "/.well-known/est/sen");
        sen.getOptions().setContentFormat(286).setAccept(287);
        sen.setPayload(csr);
        return client.send(sen);
    }

    private static void editEst(String profile, String est) {
        TestServer.ApiResponse updated = server.call("PUT", "/api/v1/profiles/" + profile, """
                {"definition":{"servers":[{"server":"%s"}],"est":%s}}""".formatted(dm, est));
        assertThat(updated.status()).as(updated.toString()).isEqualTo(200);
    }
}
