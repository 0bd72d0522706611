package io.lwm2m.provisioning.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.lwm2m.provisioning.testing.RequiresTool;
import io.lwm2m.provisioning.e2e.CoapClientCli.Build;
import io.lwm2m.provisioning.e2e.EstSupport.PskDevice;
import io.lwm2m.provisioning.e2e.EstSupport.Workbench;
import java.nio.file.Path;
import java.security.KeyFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import tools.jackson.databind.JsonNode;

/**
 * EST over CoAP/DTLS (RFC 9148) driven by libcoap's coap-client (OpenSSL and GnuTLS builds), with
 * keys and CSRs made by openssl and every issued certificate checked by {@code openssl verify}.
 */
@RequiresTool(value = "openssl", debianPackage = "openssl")
@RequiresTool(value = {"coap-client-openssl", "coap-client-gnutls"}, debianPackage = "libcoap3-bin")
class EstCoapEndToEndTest {

    private static TestServer server;
    private static String dm;
    private static String profile;
    private static Workbench bench;

    @BeforeAll
    static void setUp() {
        server = TestServer.shared();
        dm = EstSupport.estServer(server, 601);
        profile = EstSupport.profile(server, dm, """
                {"allowBootstrapCredential":true,"keyTypes":["P-256"],
                 "labels":{"rsa":{"keyTypes":["RSA-2048"]},"held":{"approval":true,"retryAfterSeconds":7}}}""");
        bench = new Workbench(server);
    }

    /** Sends {@code csr} to the label whose CSRs wait for approval (5.03); returns the held enrollment's id. */
    private static long held(CoapClientCli client, byte[] csr, PskDevice device) {
        assertThat(client.post(est("held/sen"), csr, 286, 287, null).code()).isEqualTo("5.03");
        return server.call("GET", "/api/v1/est/enrollments", null).json().valueStream()
                .filter(e -> e.get("endpoint").asString().equals(device.endpoint())).findFirst().orElseThrow().get("id").asLong();
    }

    private static String est(String path) {
        return "coaps://127.0.0.1:" + server.coaps().getPort() + "/.well-known/est/" + path;
    }

    private static CoapClientCli psk(Build build, PskDevice device) {
        return CoapClientCli.psk(build, device.identity(), device.key());
    }

    @Test
    void discoveryListsTheEstResources() {
        PskDevice device = EstSupport.pskDevice(server, profile);
        CoapClientCli.Result result = psk(Build.OPENSSL, device)
                .get("coaps://127.0.0.1:" + server.coaps().getPort() + "/.well-known/core?rt=ace.est*", null);
        assertThat(result.code()).as(result.toString()).isEqualTo("2.05");
        assertThat(result.text())
                .contains("</.well-known/est/crts>").contains("rt=\"ace.est.crts\"")
                .contains("</.well-known/est/sen>").contains("rt=\"ace.est.sen\"")
                .contains("</.well-known/est/sren>").contains("</.well-known/est/skg>").contains("</.well-known/est/att>")
                .contains("ct=\"281 287\"").contains("ct=285").contains("ct=62")
                .doesNotContain("</bs>");
    }

    @Test
    void crtsAnswersTheChainAsCertsOnlyOrTheIssuingCaAsOneCertificate() throws Exception {
        PskDevice device = EstSupport.pskDevice(server, profile);
        CoapClientCli client = psk(Build.GNUTLS, device);
        CoapClientCli.Result certsOnly = client.get(est("crts"), null);
        assertThat(certsOnly.code()).as(certsOnly.toString()).isEqualTo("2.05");
        List<X509Certificate> chain = EstSupport.certsOnly(certsOnly.payload());
        List<X509Certificate> expected = io.lwm2m.provisioning.ca.Pem.parseCertificates(
                server.call("GET", "/api/v1/ca/certificates", null, null).body());
        assertThat(chain).containsExactlyInAnyOrderElementsOf(expected);

        CoapClientCli.Result single = client.get(est("crts"), 287);
        assertThat(single.code()).as(single.toString()).isEqualTo("2.05");
        assertThat(single.payload()).isEqualTo(expected.get(0).getEncoded());

        CoapClientCli.Result wrongAccept = client.get(est("crts"), 50);
        assertThat(wrongAccept.code()).as(wrongAccept.toString()).isEqualTo("4.06");
    }

    @ParameterizedTest
    @EnumSource(Build.class)
    void senWithSmallBlocksIssuesAVerifiableCertificateRecordedOnTheModeFourAccount(Build build) {
        io.micrometer.core.instrument.DistributionSummary groups = server.bean(io.micrometer.core.instrument.MeterRegistry.class)
                .get("provisioning.est.issuance.groups").summary();
        double certificatesInGroups = groups.totalAmount();
        PskDevice device = EstSupport.pskDevice(server, profile);
        Path key = bench.key("sen-" + build, "ec:P-256");
        byte[] csr = bench.csr(key, device.endpoint());
        // 64-byte blocks: the CSR goes up in Block1 and the certificate comes back in Block2.
        CoapClientCli.Result result = psk(build, device).post(est("sen"), csr, 286, 287, 64);
        assertThat(result.code()).as(result.toString()).isEqualTo("2.04");
        assertThat(result.log()).contains("Block2").contains("Block1");

        Path certificate = bench.certificatePem("sen-" + build + "-" + device.identity(), result.payload());
        assertThat(bench.verify(certificate)).contains(": OK");
        assertThat(bench.certificatePublicKey(certificate)).isEqualTo(bench.keyPublicKey(key));

        JsonNode recorded = EstSupport.certificates(server, device.endpoint());
        assertThat(recorded.size()).isEqualTo(1);
        assertThat(recorded.get(0).get("requestedBy").asString()).startsWith("est:psk:");
        List<JsonNode> accounts = EstSupport.serverCredentials(server, device.endpoint(), dm);
        assertThat(accounts).hasSize(1);
        assertThat(accounts.get(0).get("mode").asString()).isEqualTo("EST");
        assertThat(accounts.get(0).get("certificateSerial").asString()).isEqualTo(recorded.get(0).get("serial").asString());
        assertThat(groups.totalAmount()).as("the certificate's writes committed in a group the metric counts")
                .isGreaterThanOrEqualTo(certificatesInGroups + 1);
    }

    @Test
    void srenWithTheIssuedCertificateRotatesItAndTheOldOneRetiresOnceTheNewOneIsUsed() {
        PskDevice device = EstSupport.pskDevice(server, profile);
        Path key1 = bench.key("sren1", "ec:P-256");
        CoapClientCli.Result first = psk(Build.OPENSSL, device).post(est("sen"), bench.csr(key1, device.endpoint()), 286, null, null);
        assertThat(first.code()).as(first.toString()).isEqualTo("2.04");
        List<X509Certificate> issued = EstSupport.certsOnly(first.payload());
        assertThat(issued).hasSize(1);
        String serial1 = issued.get(0).getSerialNumber().toString(16);
        Path cert1 = bench.certificatePem("sren1-" + serial1, der(issued.get(0)));

        Path key2 = bench.key("sren2", "ec:P-256");
        CoapClientCli.Result renewed = CoapClientCli.certificate(Build.OPENSSL, cert1, key1)
                .post(est("sren"), bench.csr(key2, device.endpoint()), 286, 287, 64);
        assertThat(renewed.code()).as(renewed.toString()).isEqualTo("2.04");
        Path cert2 = bench.certificatePem("sren2-" + serial1, renewed.payload());
        assertThat(bench.verify(cert2)).contains(": OK");
        assertThat(bench.certificatePublicKey(cert2)).isEqualTo(bench.keyPublicKey(key2));

        // Both stand until the device uses the new one: the new certificate is PENDING beside the active one.
        List<JsonNode> accounts = EstSupport.serverCredentials(server, device.endpoint(), dm);
        assertThat(accounts).extracting(c -> c.get("status").asString()).containsExactlyInAnyOrder("ACTIVE", "PENDING");
        assertThat(server.call("GET", "/api/v1/certificates/" + serial1, null).json().get("status").asString()).isEqualTo("VALID");

        CoapClientCli.Result attributes = CoapClientCli.certificate(Build.GNUTLS, cert2, key2).get(est("att"), null);
        assertThat(attributes.code()).as(attributes.toString()).isEqualTo("2.05");
        JsonNode old = server.call("GET", "/api/v1/certificates/" + serial1, null).json();
        assertThat(old.get("status").asString()).isEqualTo("REVOKED");
        assertThat(old.get("revocationReason").asInt()).isEqualTo(4);
        assertThat(EstSupport.serverCredentials(server, device.endpoint(), dm))
                .extracting(c -> c.get("status").asString()).containsExactly("ACTIVE");

        // The superseded certificate no longer authenticates at all.
        CoapClientCli.Result stale = CoapClientCli.certificate(Build.OPENSSL, cert1, key1)
                .post(est("sren"), bench.csr(key1, device.endpoint()), 286, null, null);
        assertThat(stale.code()).as(stale.toString()).isNotEqualTo("2.04");
    }

    @Test
    void skgReturnsAServerGeneratedKeyWithItsCertificateAsMultipartCore() throws Exception {
        PskDevice device = EstSupport.pskDevice(server, profile);
        byte[] csr = bench.csr(bench.key("skg", "ec:P-256"), device.endpoint());
        CoapClientCli.Result result = psk(Build.OPENSSL, device).post(est("skc"), csr, 286, null, 256);
        assertThat(result.code()).as(result.toString()).isEqualTo("2.04");
        byte[] body = result.payload();
        // [284, h'pkcs8', 287, h'cert']: array(4), uint 284 (0x19 0x01 0x1c), bytes, uint 287, bytes.
        assertThat(body[0] & 0xff).isEqualTo(0x84);
        assertThat(Arrays.copyOfRange(body, 1, 4)).containsExactly(0x19, 0x01, 0x1c);
        int[] at = {4};
        byte[] pkcs8 = cborBytes(body, at);
        assertThat(Arrays.copyOfRange(body, at[0], at[0] + 3)).containsExactly(0x19, 0x01, 0x1f);
        at[0] += 3;
        byte[] certificate = cborBytes(body, at);
        assertThat(at[0]).isEqualTo(body.length);
        TestOutput.rememberSecret(java.util.Base64.getEncoder().encodeToString(pkcs8));
        X509Certificate cert = io.lwm2m.provisioning.crypto.Der.certificate(certificate);
        java.security.PrivateKey key = KeyFactory.getInstance("EC").generatePrivate(new PKCS8EncodedKeySpec(pkcs8));
        java.security.Signature signer = java.security.Signature.getInstance("SHA256withECDSA");
        signer.initSign(key);
        signer.update(new byte[] {1, 2, 3});
        byte[] signature = signer.sign();
        java.security.Signature verifier = java.security.Signature.getInstance("SHA256withECDSA");
        verifier.initVerify(cert.getPublicKey());
        verifier.update(new byte[] {1, 2, 3});
        assertThat(verifier.verify(signature)).as("the key belongs to the certificate").isTrue();
        assertThat(bench.verify(bench.certificatePem("skc-" + device.identity(), certificate))).contains(": OK");
    }

    @Test
    void attTellsTheClientItsEndpointAndTheAllowedKeyTypes() throws Exception {
        PskDevice device = EstSupport.pskDevice(server, profile);
        CoapClientCli.Result result = psk(Build.OPENSSL, device).get(est("att"), null);
        assertThat(result.code()).as(result.toString()).isEqualTo("2.05");
        org.bouncycastle.asn1.est.CsrAttrs attrs = org.bouncycastle.asn1.est.CsrAttrs.getInstance(result.payload());
        String dump = org.bouncycastle.asn1.util.ASN1Dump.dumpAsString(attrs, true);
        assertThat(dump).contains(device.endpoint()).contains("1.2.840.10045.3.1.7") // prime256v1
                .doesNotContain("1.3.132.0.34"); // secp384r1: not allowed by the profile
        CoapClientCli.Result rsa = psk(Build.OPENSSL, device).get(est("rsa/att"), null);
        assertThat(rsa.code()).as(rsa.toString()).isEqualTo("2.05");
        assertThat(org.bouncycastle.asn1.util.ASN1Dump.dumpAsString(org.bouncycastle.asn1.est.CsrAttrs.getInstance(rsa.payload()), true))
                .contains("1.2.840.113549.1.1.1").contains("2048");
    }

    @Test
    void aLabelSelectsItsPolicy() {
        PskDevice device = EstSupport.pskDevice(server, profile);
        byte[] rsaCsr = bench.csr(bench.key("label-rsa", "rsa:2048"), device.endpoint());
        CoapClientCli.Result unlabelled = psk(Build.OPENSSL, device).post(est("sen"), rsaCsr, 286, 287, null);
        assertThat(unlabelled.code()).as(unlabelled.toString()).isEqualTo("4.03");
        assertThat(unlabelled.text()).startsWith("csr.key-type");
        CoapClientCli.Result labelled = psk(Build.OPENSSL, device).post(est("rsa/sen"), rsaCsr, 286, 287, 128);
        assertThat(labelled.code()).as(labelled.toString()).isEqualTo("2.04");
        assertThat(bench.verify(bench.certificatePem("rsa-" + device.identity(), labelled.payload()))).contains(": OK");
    }

    @Test
    void delayedIssuanceAnswersServiceUnavailableWithMaxAgeUntilApproved() {
        PskDevice device = EstSupport.pskDevice(server, profile);
        byte[] csr = bench.csr(bench.key("held", "ec:P-256"), device.endpoint());
        CoapClientCli client = psk(Build.OPENSSL, device);
        CoapClientCli.Result first = client.post(est("held/sen"), csr, 286, 287, null);
        assertThat(first.code()).as(first.toString()).isEqualTo("5.03");
        assertThat(first.log()).contains("Max-Age:7");
        assertThat(client.post(est("held/sen"), csr, 286, 287, null).code()).isEqualTo("5.03");
        assertThat(EstSupport.certificates(server, device.endpoint()).size()).isZero();

        JsonNode held = server.call("GET", "/api/v1/est/enrollments", null).json();
        JsonNode mine = held.valueStream().filter(e -> e.get("endpoint").asString().equals(device.endpoint())).findFirst().orElseThrow();
        assertThat(mine.get("status").asString()).isEqualTo("PENDING");
        assertThat(server.call("POST", "/api/v1/est/enrollments/" + mine.get("id").asLong() + "/approve", null).status()).isEqualTo(200);

        CoapClientCli.Result issued = client.post(est("held/sen"), csr, 286, 287, null);
        assertThat(issued.code()).as(issued.toString()).isEqualTo("2.04");
        CoapClientCli.Result again = client.post(est("held/sen"), csr, 286, 287, null);
        assertThat(again.code()).isEqualTo("2.04");
        assertThat(again.payload()).isEqualTo(issued.payload());
        assertThat(EstSupport.certificates(server, device.endpoint()).size()).isEqualTo(1);
    }

    /**
     * Two operators decide on one held CSR at once (decision 094): the second decision waits for the
     * first and is refused (409); before, it read PENDING at once and its commit overwrote the first
     * (a rejection turned into an approval, both answered 200).
     */
    @Test
    void aSecondDecisionOnAHeldCsrWhileTheFirstIsOpenIsRefused() throws Exception {
        PskDevice device = EstSupport.pskDevice(server, profile);
        byte[] csr = bench.csr(bench.key("held-twice", "ec:P-256"), device.endpoint());
        CoapClientCli client = psk(Build.OPENSSL, device);
        long id = held(client, csr, device);

        java.util.concurrent.CompletableFuture<TestServer.ApiResponse> approval = new java.util.concurrent.CompletableFuture<>();
        server.inTransaction(status -> {
            server.bean(io.lwm2m.provisioning.est.EstService.class).decide(id, false, io.lwm2m.provisioning.audit.Actor.SYSTEM);
            approval.completeAsync(() -> server.call("POST", "/api/v1/est/enrollments/" + id + "/approve", null));
            server.awaitLockWaitOrDone(approval);
        });
        TestServer.ApiResponse approved = approval.get(30, java.util.concurrent.TimeUnit.SECONDS);
        assertThat(approved.status()).as(approved.toString()).isEqualTo(409);
        assertThat(approved.body()).contains("is REJECTED, not PENDING");
        CoapClientCli.Result refused = client.post(est("held/sen"), csr, 286, 287, null);
        assertThat(refused.code()).as(refused.toString()).isEqualTo("4.03");
        assertThat(refused.text()).startsWith("approval.rejected");
        assertThat(EstSupport.certificates(server, device.endpoint()).size()).isZero();
    }

    /**
     * Two re-sends of one approved CSR at once (decision 096): both pass the approval and sign, but the
     * approval is used once. Each waits for the approval's row, held here, the second in a group of its
     * own; the one that comes second answers with the first's certificate, and the CA records one.
     * Before, both were recorded: two certificates for one approval, the approval naming only the last.
     */
    @Test
    void twoReSendsOfAnApprovedCsrAtOnceGetTheSameOneCertificate() throws Exception {
        PskDevice device = EstSupport.pskDevice(server, profile);
        byte[] csr = bench.csr(bench.key("approved-twice", "ec:P-256"), device.endpoint());
        CoapClientCli client = psk(Build.OPENSSL, device);
        long id = held(client, csr, device);
        assertThat(server.call("POST", "/api/v1/est/enrollments/" + id + "/approve", null).status()).isEqualTo(200);

        java.util.concurrent.CompletableFuture<CoapClientCli.Result> first = new java.util.concurrent.CompletableFuture<>();
        java.util.concurrent.CompletableFuture<CoapClientCli.Result> second = new java.util.concurrent.CompletableFuture<>();
        org.springframework.jdbc.core.JdbcTemplate jdbc = server.bean(org.springframework.jdbc.core.JdbcTemplate.class);
        server.inTransaction(status -> {
            jdbc.queryForList("SELECT id FROM est_enrollments WHERE id = ? FOR UPDATE", id);
            first.completeAsync(() -> client.post(est("held/sen"), csr, 286, 287, null));
            server.awaitLockWaitsOrDone(1, first);
            second.completeAsync(() -> client.post(est("held/sen"), csr, 286, 287, null));
            server.awaitLockWaitsOrDone(2, second);
        });
        CoapClientCli.Result one = first.get(30, java.util.concurrent.TimeUnit.SECONDS);
        CoapClientCli.Result other = second.get(30, java.util.concurrent.TimeUnit.SECONDS);
        assertThat(one.code()).as(one.toString()).isEqualTo("2.04");
        assertThat(other.code()).as(other.toString()).isEqualTo("2.04");
        assertThat(other.payload()).as("the same certificate").isEqualTo(one.payload());
        JsonNode recorded = EstSupport.certificates(server, device.endpoint());
        assertThat(recorded.size()).as(recorded.toString()).isEqualTo(1);
        Map<String, Object> approval = jdbc.queryForMap("SELECT status, certificate_serial FROM est_enrollments WHERE id = ?", id);
        assertThat(approval.get("status")).isEqualTo("ISSUED");
        assertThat(new java.math.BigInteger((String) approval.get("certificate_serial"), 16))
                .as("the approval names the certificate the device holds")
                .isEqualTo(io.lwm2m.provisioning.crypto.Der.certificate(one.payload()).getSerialNumber());
    }

    /**
     * Two revocations of one certificate at once, with different reasons: the second waits for the
     * first's lock on the certificate and changes nothing, so the CRL's reason is the one audited, once.
     * Before, both read VALID and both wrote: two audit records and the last reason won. (A certificate
     * a device credential holds was already serialized on the device, decision 094; this one, issued by
     * EST to a device whose DM account is PSK, is in the CA's records only: no device row to wait on.)
     */
    @Test
    void twoRevocationsOfOneCertificateAtOnceRevokeItOnce() throws Exception {
        String pskAccount = EstSupport.profile(server, Fixtures.server(server, "coaps://dm.example:5684", 611, 300, "U", "PSK", true),
                "{\"allowBootstrapCredential\":true,\"keyTypes\":[\"P-256\"]}");
        PskDevice device = EstSupport.pskDevice(server, pskAccount);
        CoapClientCli.Result issued = psk(Build.OPENSSL, device).post(est("sen"),
                bench.csr(bench.key("revoked-twice", "ec:P-256"), device.endpoint()), 286, 287, null);
        assertThat(issued.code()).as(issued.toString()).isEqualTo("2.04");
        String serial = EstSupport.certificates(server, device.endpoint()).get(0).get("serial").asString();

        java.util.concurrent.CompletableFuture<TestServer.ApiResponse> compromised = new java.util.concurrent.CompletableFuture<>();
        java.util.concurrent.CompletableFuture<TestServer.ApiResponse> superseded = new java.util.concurrent.CompletableFuture<>();
        org.springframework.jdbc.core.JdbcTemplate jdbc = server.bean(org.springframework.jdbc.core.JdbcTemplate.class);
        server.inTransaction(status -> {
            jdbc.queryForList("SELECT serial FROM certificates WHERE serial = ? FOR UPDATE", serial);
            compromised.completeAsync(() -> server.call("POST", "/api/v1/certificates/" + serial + "/revoke",
                    "{\"reason\":\"keyCompromise\"}"));
            server.awaitLockWaitsOrDone(1, compromised);
            superseded.completeAsync(() -> server.call("POST", "/api/v1/certificates/" + serial + "/revoke",
                    "{\"reason\":\"superseded\"}"));
            server.awaitLockWaitsOrDone(2, superseded);
        });
        assertThat(compromised.get(30, java.util.concurrent.TimeUnit.SECONDS).status()).isEqualTo(200);
        assertThat(superseded.get(30, java.util.concurrent.TimeUnit.SECONDS).status()).isEqualTo(200);
        List<String> audited = jdbc.queryForList(
                "SELECT details FROM audit_events WHERE action = 'certificate.revoke' AND target = ?", String.class,
                "certificate:" + serial);
        assertThat(audited).as("one revocation audited").hasSize(1);
        JsonNode certificate = server.call("GET", "/api/v1/certificates/" + serial, null).json();
        assertThat(certificate.get("status").asString()).isEqualTo("REVOKED");
        int reason = certificate.get("revocationReason").asInt();
        assertThat(audited.get(0)).as("the reason in the CRL is the one audited").contains("reason=" + reason + "\n");
    }

    @Test
    void badRequestsGetTheRightCodeAndADiagnosticAndIssueNothing() throws Exception {
        PskDevice device = EstSupport.pskDevice(server, profile);
        CoapClientCli client = psk(Build.OPENSSL, device);
        Path key = bench.key("bad", "ec:P-256");
        byte[] good = bench.csr(key, device.endpoint());

        assertRefused(client.post(est("sen"), bench.csr(key, "urn:dev:someone-else"), 286, null, null), "4.03", "csr.subject");
        byte[] forged = good.clone();
        forged[forged.length - 3] ^= 0x01; // inside the signature
        assertRefused(client.post(est("sen"), forged, 286, null, null), "4.00", "csr.signature");
        assertRefused(client.post(est("sen"), "not a CSR at all".getBytes(), 286, null, null), "4.00", "csr.malformed");
        assertRefused(client.post(est("sen"), Arrays.copyOf(good, good.length / 2), 286, null, null), "4.00", "csr.malformed");
        assertRefused(client.post(est("sen"), bench.csr(bench.key("p384", "ec:P-384"), device.endpoint()), 286, null, null),
                "4.03", "csr.key-type");
        assertRefused(client.post(est("sen"), bench.csr(bench.key("p521", "ec:P-521"), device.endpoint()), 286, null, null),
                "4.03", "csr.key-type");
        assertRefused(client.post(est("sren"), good, 286, null, null), "4.03", "reenroll.certificate");
        assertRefused(client.post(est("nosuchlabel/sen"), good, 286, null, null), "4.04", "label.unknown");
        assertRefused(client.post(est("sen"), good, 0, null, null), "4.15", "content-format");
        assertRefused(client.post(est("sen"), good, 286, 50, null), "4.06", "accept");
        byte[] huge = new byte[40_000];
        assertThat(client.post(est("sen"), huge, 286, null, 1024).code()).isEqualTo("4.13");
        CoapClientCli.Result anonymous = CoapClientCli.anonymous(Build.OPENSSL)
                .post("coap://127.0.0.1:" + server.coap().getPort() + "/.well-known/est/sen", good, 286, null, null);
        assertRefused(anonymous, "4.01", "client.unauthenticated");

        assertThat(EstSupport.certificates(server, device.endpoint()).size()).as("nothing issued").isZero();
        assertThat(EstSupport.serverCredentials(server, device.endpoint(), dm).get(0).has("certificateSerial")).isFalse();

        // Each refusal is counted under the rule that refused it.
        io.micrometer.core.instrument.MeterRegistry metrics = server.bean(io.micrometer.core.instrument.MeterRegistry.class);
        for (String rule : List.of("csr.subject", "csr.signature", "csr.malformed", "csr.key-type", "reenroll.certificate",
                "label.unknown", "client.unauthenticated")) {
            assertThat(metrics.find("provisioning.est.requests").tag("outcome", rule).counter()).as(rule).isNotNull();
        }
    }

    @Test
    void aDeviceWhoseProfileDoesNotAllowItsPskMustUseACertificate() {
        String strict = EstSupport.profile(server, dm, "{}");
        PskDevice device = EstSupport.pskDevice(server, strict);
        assertRefused(psk(Build.OPENSSL, device).post(est("sen"), bench.csr(bench.key("strict", "ec:P-256"), device.endpoint()),
                286, null, null), "4.03", "client.bootstrap-credential");
        assertThat(EstSupport.certificates(server, device.endpoint()).size()).isZero();
    }

    private static void assertRefused(CoapClientCli.Result result, String code, String rule) {
        assertThat(result.code()).as(result.toString()).isEqualTo(code);
        assertThat(result.text()).as(result.toString()).startsWith(rule + ":");
    }

    private static byte[] der(X509Certificate certificate) {
        try {
            return certificate.getEncoded();
        } catch (java.security.cert.CertificateEncodingException e) {
            throw new AssertionError(e);
        }
    }

    /** Reads a CBOR byte string at {@code at[0]} and advances past it. */
    private static byte[] cborBytes(byte[] data, int[] at) {
        int head = data[at[0]++] & 0xff;
        assertThat(head >> 5).as("byte string").isEqualTo(2);
        int info = head & 0x1f;
        int length;
        if (info < 24) {
            length = info;
        } else if (info == 24) {
            length = data[at[0]++] & 0xff;
        } else if (info == 25) {
            length = ((data[at[0]] & 0xff) << 8) | (data[at[0] + 1] & 0xff);
            at[0] += 2;
        } else {
            throw new AssertionError("unexpected CBOR length encoding " + info);
        }
        byte[] value = Arrays.copyOfRange(data, at[0], at[0] + length);
        at[0] += length;
        return value;
    }
}
