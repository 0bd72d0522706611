package io.lwm2m.provisioning.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.lwm2m.provisioning.testing.TestDataDirectories;
import io.lwm2m.provisioning.testing.ToolCheck;
import io.lwm2m.provisioning.bootstrap.credentials.CredentialStatus;
import io.lwm2m.provisioning.bootstrap.credentials.DeviceCredential;
import io.lwm2m.provisioning.bootstrap.credentials.DeviceCredentialRepository;
import io.lwm2m.provisioning.crypto.SecretCipher;
import io.lwm2m.provisioning.e2e.LeshanDevice.Flavour;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyFactory;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.time.Duration;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.eclipse.leshan.client.object.Security;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.JdbcTemplate;
import tools.jackson.databind.JsonNode;

/**
 * Credentials of every kind on both channels, rotation without lockout, and revocation, end to end
 * with Eclipse Leshan's client; certificates and CRLs checked with openssl.
 */
class CredentialsEndToEndTest {

    private static TestServer server;
    private static String pskServer;
    private static String rpkServer;
    private static String x509Server;
    private static byte[] rpkServerKey;
    private static byte[] x509ServerCertificate;
    private static JsonNode bootstrapServer;

    @BeforeAll
    static void servers() throws Exception {
        server = TestServer.shared();
        bootstrapServer = server.call("GET", "/api/v1/bootstrap-server", null, null).json();
        pskServer = Fixtures.server(server, "coaps://dm.example:5684", 101, 300, "U", "PSK", true);

        KeyPairGenerator ec = KeyPairGenerator.getInstance("EC");
        ec.initialize(256);
        rpkServerKey = ec.generateKeyPair().getPublic().getEncoded();
        rpkServer = createServer("RPK", 102, "\"serverPublicKey\":\"" + pem("PUBLIC KEY", rpkServerKey) + "\"");
        // Any certificate stands for the DM server's; the bootstrap server's own will do.
        x509ServerCertificate = Fixtures.der(bootstrapServer.get("certificateChain").asString());
        x509Server = createServer("X509", 103, "\"serverCertificate\":\"" + pem("CERTIFICATE", x509ServerCertificate) + "\"");
    }

    private static String createServer(String mode, int ssid, String extra) {
        String name = Fixtures.unique("dm-" + mode.toLowerCase());
        TestServer.ApiResponse response = server.call("POST", "/api/v1/servers", """
                {"name":"%s","uri":"coaps://%s.example:5684","shortServerId":%d,"lifetime":300,"binding":"U","securityMode":"%s",%s}"""
                .formatted(name, mode.toLowerCase(), ssid, mode, extra));
        assertThat(response.status()).as(response.toString()).isEqualTo(201);
        return name;
    }

    @Test
    void theCaPublishesItsChainWithoutAKeyAndItVerifiesWithOpenssl() throws Exception {
        TestServer.ApiResponse chain = server.call("GET", "/api/v1/ca/certificates", null, null);
        assertThat(chain.status()).isEqualTo(200);
        assertThat(chain.contentType()).startsWith("application/pem-certificate-chain");
        List<String> certificates = pemBlocks(chain.body());
        assertThat(certificates).hasSize(2);
        Path dir = TestDataDirectories.create("ca-");
        Files.writeString(dir.resolve("issuing.pem"), certificates.get(0));
        Files.writeString(dir.resolve("root.pem"), certificates.get(1));
        assertThat(openssl("verify", "-CAfile", dir.resolve("root.pem").toString(), dir.resolve("issuing.pem").toString()))
                .contains("OK");
    }

    @Test
    void aDeviceWithRpkCredentialsOnBothChannelsBootstraps() throws Exception {
        Fixtures.Device device = Fixtures.deviceWith(server, "RPK", rpkServer);
        JsonNode bootstrap = device.created().get("bootstrapCredential");
        assertThat(bootstrap.get("mode").asString()).isEqualTo("RPK");
        byte[] devicePublic = Fixtures.der(bootstrap.get("publicKey").asString());
        byte[] devicePrivate = Fixtures.der(bootstrap.get("privateKey").asString());
        byte[] serverPublic = Fixtures.der(bootstrapServer.get("publicKey").asString());
        JsonNode dm = device.serverCredential(rpkServer);

        Map<Integer, Map<Integer, Object>> security = bootstrap(device.endpoint(),
                Security.rpkBootstrap(LeshanDevice.uri(server.coaps()), devicePublic, devicePrivate, serverPublic));

        Map<Integer, Object> account = bySsid(security, 102);
        assertThat(account.get(2)).isEqualTo(1L);
        assertThat((byte[]) account.get(3)).isEqualTo(Fixtures.der(dm.get("publicKey").asString()));
        assertThat((byte[]) account.get(4)).isEqualTo(rpkServerKey);
        assertKeyPair((byte[]) account.get(3), (byte[]) account.get(5));
        assertThat(server.call("GET", "/api/v1/devices/" + device.endpoint(), null).body()).doesNotContain("PRIVATE KEY");
    }

    @Test
    void aDeviceWithX509CredentialsOnBothChannelsBootstrapsAndItsCertificatesVerify() throws Exception {
        Fixtures.Device device = Fixtures.deviceWith(server, "X509", x509Server);
        JsonNode bootstrap = device.created().get("bootstrapCredential");
        byte[] certificate = Fixtures.der(bootstrap.get("certificate").asString());
        byte[] privateKey = Fixtures.der(bootstrap.get("privateKey").asString());
        byte[] serverCertificate = Fixtures.der(bootstrapServer.get("certificateChain").asString());
        assertVerifiesWithOpenssl(bootstrap.get("certificate").asString(), "TLS Web Client Authentication");

        Map<Integer, Map<Integer, Object>> security = bootstrap(device.endpoint(),
                Security.x509Bootstrap(LeshanDevice.uri(server.coaps()), certificate, privateKey, serverCertificate));

        Map<Integer, Object> account = bySsid(security, 103);
        assertThat(account.get(2)).isEqualTo(2L);
        assertThat((byte[]) account.get(4)).isEqualTo(x509ServerCertificate);
        X509Certificate dmCertificate = certificate((byte[]) account.get(3));
        assertThat(dmCertificate.getSubjectX500Principal().getName()).isEqualTo("CN=" + device.endpoint());
        assertVerifiesWithOpenssl("-----BEGIN CERTIFICATE-----\n" + Base64.getMimeEncoder().encodeToString((byte[]) account.get(3))
                + "\n-----END CERTIFICATE-----\n", "TLS Web Client Authentication");
        assertKeyPair(dmCertificate.getPublicKey().getEncoded(), (byte[]) account.get(5));
    }

    @Test
    void aRotatedBootstrapPskIsDeliveredByTheNextBootstrapAndRetiresTheOldOneOnceUsed() throws Exception {
        Fixtures.Device device = Fixtures.device(server, pskServer);
        Fixtures.Rotated rotated = Fixtures.rotateBootstrap(server, device.endpoint());
        String newIdentity = rotated.identity();
        byte[] newKey = rotated.key();
        assertThat(server.call("GET", "/api/v1/devices/" + device.endpoint(), null).json()
                .get("pendingBootstrapCredentials").get(0).get("identity").asString()).isEqualTo(newIdentity);

        // The old credential still works, and the bootstrap writes the new one into the client's bootstrap account.
        try (LeshanDevice client = LeshanDevice.start(device.endpoint(), server.coaps(), device.identity(), device.key(),
                Flavour.LWM2M_1_1_SENML_CBOR)) {
            assertThat(client.awaitBootstrap(Duration.ofSeconds(30)).success()).isTrue();
            Map<Integer, Object> account = client.instances(0).values().stream()
                    .filter(r -> Boolean.TRUE.equals(r.get(1))).findFirst().orElseThrow();
            assertThat(new String((byte[]) account.get(3), StandardCharsets.UTF_8)).isEqualTo(newIdentity);
            assertThat((byte[]) account.get(5)).isEqualTo(newKey);
        }
        // The first authentication with the new credential proves the device holds it.
        assertBootstraps(device.endpoint(), newIdentity, newKey);
        JsonNode after = server.call("GET", "/api/v1/devices/" + device.endpoint(), null).json();
        assertThat(after.get("bootstrapCredential").get("identity").asString()).isEqualTo(newIdentity);
        assertThat(after.has("pendingBootstrapCredentials")).isFalse();
        Fixtures.assertHandshakeFails(server, device.identity(), device.key(), device.endpoint());
    }

    @Test
    void aRotatedBootstrapCertificateRetiresTheOldOneAsSupersededOnceTheNewOneIsUsed() throws Exception {
        Fixtures.Device device = Fixtures.deviceWith(server, "X509", pskServer);
        JsonNode old = device.created().get("bootstrapCredential");
        byte[] serverCertificate = Fixtures.der(bootstrapServer.get("certificateChain").asString());
        TestServer.ApiResponse rotated = server.call("POST", "/api/v1/devices/" + device.endpoint() + "/credentials/rotate",
                "{\"target\":\"bootstrap\"}");
        assertThat(rotated.status()).as(rotated.toString()).isEqualTo(201);
        JsonNode fresh = rotated.json();
        Fixtures.Device.rememberSecrets(fresh);

        byte[] delivered;
        try (LeshanDevice client = LeshanDevice.start(device.endpoint(), Security.x509Bootstrap(LeshanDevice.uri(server.coaps()),
                Fixtures.der(old.get("certificate").asString()), Fixtures.der(old.get("privateKey").asString()), serverCertificate),
                Flavour.LWM2M_1_1_SENML_CBOR)) {
            assertThat(client.awaitBootstrap(Duration.ofSeconds(30)).success()).isTrue();
            Map<Integer, Object> account = client.instances(0).values().stream()
                    .filter(r -> Boolean.TRUE.equals(r.get(1))).findFirst().orElseThrow();
            delivered = (byte[]) account.get(3);
            assertThat(account.get(2)).isEqualTo(2L);
            assertThat((byte[]) account.get(4)).isEqualTo(serverCertificate);
        }
        assertThat(delivered).isEqualTo(Fixtures.der(fresh.get("certificate").asString()));
        bootstrap(device.endpoint(), Security.x509Bootstrap(LeshanDevice.uri(server.coaps()), delivered,
                Fixtures.der(fresh.get("privateKey").asString()), serverCertificate));

        JsonNode oldRecord = server.call("GET", "/api/v1/certificates/" + old.get("certificateSerial").asString(), null).json();
        assertThat(oldRecord.get("status").asString()).isEqualTo("REVOKED");
        assertThat(oldRecord.get("revocationReason").asInt()).isEqualTo(4);
        Path dir = TestDataDirectories.create("crl-");
        Files.writeString(dir.resolve("crl.pem"), server.callWithAccept("/api/v1/ca/crl", "application/x-pem-file").body());
        assertThat(openssl("crl", "-in", dir.resolve("crl.pem").toString(), "-noout", "-text"))
                .containsIgnoringCase(old.get("certificateSerial").asString()).contains("Superseded");
    }

    @Test
    void aRotatedDeviceThatNeverComesBackKeepsItsOldCredential() throws Exception {
        Fixtures.Device device = Fixtures.device(server, pskServer);
        TestServer.ApiResponse rotated = server.call("POST", "/api/v1/devices/" + device.endpoint() + "/credentials/rotate",
                "{\"target\":\"bootstrap\"}");
        TestOutput.rememberSecret(rotated.json().get("key").asString());
        assertThat(server.call("POST", "/api/v1/devices/" + device.endpoint() + "/credentials/rotate",
                "{\"target\":\"bootstrap\"}").status()).as("a second rotation while one is pending").isEqualTo(409);
        assertBootstraps(device.endpoint(), device.identity(), device.key());
        assertBootstraps(device.endpoint(), device.identity(), device.key());
    }

    @Test
    void aRotatedDmCredentialIsDeliveredAnnouncedAndRetiresTheOldOneOnConfirmation() throws Exception {
        try (WebhookReceiver webhook = new WebhookReceiver()) {
            String name = Fixtures.unique("dm-psk");
            TestServer.ApiResponse created = server.call("POST", "/api/v1/servers", """
                    {"name":"%s","uri":"coaps://psk.example:5684","shortServerId":104,"lifetime":300,"binding":"U","securityMode":"PSK",
                     "rotationWebhookUrl":"%s"}""".formatted(name, webhook.url("/rotations")));
            assertThat(created.status()).as(created.toString()).isEqualTo(201);
            String secret = created.json().get("rotationWebhookSecret").asString();
            TestOutput.rememberSecret(secret);
            assertThat(server.call("GET", "/api/v1/servers/" + name, null).body()).doesNotContain(secret);
            String dm = name;
            Fixtures.Device device = Fixtures.device(server, dm);
            String oldIdentity = device.serverCredential(dm).get("identity").asString();

            TestServer.ApiResponse rotated = server.call("POST", "/api/v1/devices/" + device.endpoint() + "/credentials/rotate",
                    "{\"target\":\"server\",\"server\":\"" + dm + "\"}");
            assertThat(rotated.status()).as(rotated.toString()).isEqualTo(201);
            JsonNode fresh = rotated.json();
            TestOutput.rememberSecret(fresh.get("key").asString());
            // The rotation webhook is the subscription dm-server:<name> of credential.rotated events, a signed CloudEvent.
            WebhookReceiver.Received announced = webhook.await(r -> !r.isEmpty(), Duration.ofSeconds(10)).get(0);
            assertThat(announced.contentType()).startsWith("application/cloudevents+json");
            assertThat(WebhookReceiver.signedWith(announced, secret)).as("signed with the webhook's secret").isTrue();
            JsonNode event = announced.json();
            assertThat(event.get("specversion").asString()).isEqualTo("1.0");
            assertThat(event.get("type").asString()).isEqualTo("io.lwm2m.provisioning.credential.rotated");
            assertThat(event.get("id").asString()).isEqualTo(announced.id());
            assertThat(event.get("data").get("endpoint").asString()).isEqualTo(device.endpoint());
            assertThat(event.get("data").get("server").asString()).isEqualTo(dm);
            assertThat(event.get("data").get("credentialId").asLong()).isEqualTo(fresh.get("id").asLong());
            assertThat(event.get("data").get("status").asString()).isEqualTo("PENDING");
            try (LeshanDevice client = LeshanDevice.start(device.endpoint(), server.coaps(), device.identity(), device.key(),
                    Flavour.LWM2M_1_1_SENML_CBOR)) {
                assertThat(client.awaitBootstrap(Duration.ofSeconds(30)).success()).isTrue();
                Map<Integer, Object> account = bySsid(client.instances(0), 104);
                assertThat(new String((byte[]) account.get(3), StandardCharsets.UTF_8)).isEqualTo(fresh.get("identity").asString());
                assertThat(HexFormat.of().formatHex((byte[]) account.get(5))).isEqualTo(fresh.get("key").asString());
            }
            List<String> statuses = server.call("GET", "/api/v1/devices/" + device.endpoint(), null).json()
                    .get("serverCredentials").valueStream().map(c -> c.get("identity").asString() + "=" + c.get("status").asString())
                    .toList();
            assertThat(statuses).containsExactlyInAnyOrder(oldIdentity + "=ACTIVE", fresh.get("identity").asString() + "=PENDING");

            TestServer.ApiResponse confirmed = server.call("POST", "/api/v1/devices/" + device.endpoint() + "/credentials/"
                    + fresh.get("id").asLong() + "/confirm", null);
            assertThat(confirmed.status()).as(confirmed.toString()).isEqualTo(200);
            assertThat(confirmed.json().get("serverCredentials")).singleElement()
                    .satisfies(c -> assertThat(c.get("identity").asString()).isEqualTo(fresh.get("identity").asString()));
        }
    }

    @Test
    void aRevokedBootstrapCredentialNoLongerAuthenticates() throws Exception {
        Fixtures.Device device = Fixtures.device(server, pskServer);
        assertBootstraps(device.endpoint(), device.identity(), device.key());
        TestServer.ApiResponse revoked = server.call("POST", "/api/v1/devices/" + device.endpoint() + "/credentials/revoke",
                "{\"target\":\"bootstrap\",\"reason\":\"keyCompromise\"}");
        assertThat(revoked.status()).as(revoked.toString()).isEqualTo(200);
        assertThat(revoked.json().get(0).get("status").asString()).isEqualTo("REVOKED");
        Fixtures.assertHandshakeFails(server, device.identity(), device.key(), device.endpoint());
    }

    /**
     * The KEK rotation reseals credentials in batches without locking them. An operator's revocation that
     * commits between the batch's read and its flush must survive the flush: before, the rotation wrote
     * back every column it had loaded, status {@code ACTIVE} included, and the revoked PSK worked again.
     */
    @Test
    void aRevocationThatCommitsWhileTheKekRotationHoldsTheCredentialStaysRevoked() throws Exception {
        Fixtures.Device device = Fixtures.device(server, pskServer);
        long deviceId = server.bean(JdbcTemplate.class).queryForObject("SELECT id FROM devices WHERE endpoint = ?", Long.class,
                device.endpoint());
        DeviceCredentialRepository credentials = server.bean(DeviceCredentialRepository.class);
        SecretCipher cipher = server.bean(SecretCipher.class);
        server.inTransaction(status -> {
            List<DeviceCredential> batch = credentials.findByDeviceIdAndStatusIn(deviceId,
                    List.of(CredentialStatus.ACTIVE, CredentialStatus.PENDING));
            assertThat(batch).as("the device's bootstrap and DM-server credentials").hasSize(2);
            TestServer.ApiResponse revoked = server.call("POST", "/api/v1/devices/" + device.endpoint() + "/credentials/revoke",
                    "{\"target\":\"bootstrap\",\"reason\":\"keyCompromise\"}");
            assertThat(revoked.status()).as(revoked.toString()).isEqualTo(200);
            // Sealed anew, as a rotation to another KEK does (rewrap keeps a secret already under the current KEK).
            batch.forEach(c -> c.resealed(cipher.seal(cipher.open(c.sealedSecret(), c.secretContext()), c.secretContext())));
        });
        Map<String, Object> bootstrap = server.bean(JdbcTemplate.class).queryForMap(
                "SELECT status, retired_at FROM device_credentials WHERE device_id = ? AND channel = 'BOOTSTRAP'", deviceId);
        assertThat(bootstrap.get("status")).as("the revocation outlived the rotation's flush").isEqualTo("REVOKED");
        assertThat(bootstrap.get("retired_at")).isNotNull();
        Fixtures.assertHandshakeFails(server, device.identity(), device.key(), device.endpoint());
    }

    @Test
    void aRevokedCertificateIsInTheCrlAndNoLongerAuthenticates() throws Exception {
        Fixtures.Device device = Fixtures.deviceWith(server, "X509", pskServer);
        JsonNode bootstrap = device.created().get("bootstrapCredential");
        String serial = bootstrap.get("certificateSerial").asString();
        TestServer.ApiResponse revoked = server.call("POST", "/api/v1/certificates/" + serial + "/revoke",
                "{\"reason\":\"keyCompromise\"}");
        assertThat(revoked.status()).as(revoked.toString()).isEqualTo(200);
        assertThat(revoked.json().get("status").asString()).isEqualTo("REVOKED");

        TestServer.ApiResponse crl = server.call("GET", "/api/v1/ca/crl", null, null);
        assertThat(crl.status()).isEqualTo(200);
        Path dir = TestDataDirectories.create("crl-");
        TestServer.ApiResponse pemCrl = server.callWithAccept("/api/v1/ca/crl", "application/x-pem-file");
        assertThat(pemCrl.body()).startsWith("-----BEGIN X509 CRL-----");
        Files.writeString(dir.resolve("crl.pem"), pemCrl.body());
        assertThat(openssl("crl", "-in", dir.resolve("crl.pem").toString(), "-noout", "-text").toLowerCase())
                .contains(serial.toLowerCase()).contains("key compromise");

        try (LeshanDevice client = LeshanDevice.start(device.endpoint(), Security.x509Bootstrap(LeshanDevice.uri(server.coaps()),
                Fixtures.der(bootstrap.get("certificate").asString()), Fixtures.der(bootstrap.get("privateKey").asString()),
                Fixtures.der(bootstrapServer.get("certificateChain").asString())), Flavour.LWM2M_1_1_SENML_CBOR)) {
            assertThat(client.awaitBootstrap(Duration.ofSeconds(15)).success()).isFalse();
        }
    }

    @Test
    void badCredentialRequestsGetClearErrorsAndChangeNothing() {
        assertThat(server.call("POST", "/api/v1/certificates/0123456789abcdef/revoke", "{}").status()).isEqualTo(404);
        assertThat(server.call("POST", "/api/v1/devices/urn:dev:ops:nobody/credentials/rotate", "{\"target\":\"bootstrap\"}")
                .status()).isEqualTo(404);
        Fixtures.Device device = Fixtures.device(server, pskServer);
        TestServer.ApiResponse badTarget = server.call("POST", "/api/v1/devices/" + device.endpoint() + "/credentials/rotate",
                "{\"target\":\"everything\"}");
        assertThat(badTarget.status()).isEqualTo(400);
        assertThat(badTarget.json().get("errors").get(0).get("field").asString()).isEqualTo("target");
        TestServer.ApiResponse unknownServer = server.call("POST", "/api/v1/devices/" + device.endpoint() + "/credentials/rotate",
                "{\"target\":\"server\",\"server\":\"not-its-server\"}");
        assertThat(unknownServer.status()).isEqualTo(400);
        assertThat(server.call("GET", "/api/v1/devices/" + device.endpoint(), null).json().has("pendingBootstrapCredentials"))
                .isFalse();
        TestServer.ApiResponse rpkWithoutKey = server.call("POST", "/api/v1/servers", """
                {"name":"%s","uri":"coaps://x.example","shortServerId":1,"lifetime":60,"binding":"U","securityMode":"RPK"}"""
                .formatted(Fixtures.unique("dm")));
        assertThat(rpkWithoutKey.status()).isEqualTo(400);
        assertThat(rpkWithoutKey.json().get("errors").get(0).get("field").asString()).isEqualTo("serverPublicKey");
    }

    private static Map<Integer, Map<Integer, Object>> bootstrap(String endpoint, Security account) throws Exception {
        try (LeshanDevice client = LeshanDevice.start(endpoint, account, Flavour.LWM2M_1_1_SENML_CBOR)) {
            LeshanDevice.Outcome outcome = client.awaitBootstrap(Duration.ofSeconds(30));
            assertThat(outcome.success()).as(outcome.toString()).isTrue();
            return client.instances(0);
        }
    }

    private static void assertBootstraps(String endpoint, String identity, byte[] key) throws Exception {
        try (LeshanDevice client = LeshanDevice.start(endpoint, server.coaps(), identity, key, Flavour.LWM2M_1_1_SENML_CBOR)) {
            LeshanDevice.Outcome outcome = client.awaitBootstrap(Duration.ofSeconds(30));
            assertThat(outcome.success()).as(outcome.toString()).isTrue();
        }
    }

    private static Map<Integer, Object> bySsid(Map<Integer, Map<Integer, Object>> instances, long ssid) {
        return instances.values().stream().filter(r -> Long.valueOf(ssid).equals(r.get(10))).findFirst()
                .orElseThrow(() -> new AssertionError("no instance with ssid " + ssid + " in " + instances));
    }

    private static void assertKeyPair(byte[] subjectPublicKeyInfo, byte[] pkcs8) throws Exception {
        PublicKey publicKey = KeyFactory.getInstance("EC").generatePublic(new X509EncodedKeySpec(subjectPublicKeyInfo));
        PrivateKey privateKey = KeyFactory.getInstance("EC").generatePrivate(new PKCS8EncodedKeySpec(pkcs8));
        Signature signer = Signature.getInstance("SHA256withECDSA");
        signer.initSign(privateKey);
        signer.update(new byte[] {1, 2, 3});
        byte[] signature = signer.sign();
        Signature verifier = Signature.getInstance("SHA256withECDSA");
        verifier.initVerify(publicKey);
        verifier.update(new byte[] {1, 2, 3});
        assertThat(verifier.verify(signature)).as("private key matches public key").isTrue();
    }

    private static void assertVerifiesWithOpenssl(String certificatePem, String extendedKeyUsage) throws Exception {
        List<String> chain = pemBlocks(server.call("GET", "/api/v1/ca/certificates", null, null).body());
        Path dir = TestDataDirectories.create("verify-");
        Files.writeString(dir.resolve("issuing.pem"), chain.get(0));
        Files.writeString(dir.resolve("root.pem"), chain.get(1));
        Files.writeString(dir.resolve("leaf.pem"), certificatePem);
        assertThat(openssl("verify", "-CAfile", dir.resolve("root.pem").toString(), "-untrusted",
                dir.resolve("issuing.pem").toString(), dir.resolve("leaf.pem").toString())).contains("OK");
        assertThat(openssl("x509", "-in", dir.resolve("leaf.pem").toString(), "-noout", "-text")).contains(extendedKeyUsage);
    }

    private static X509Certificate certificate(byte[] der) throws Exception {
        return (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(new ByteArrayInputStream(der));
    }

    static String openssl(String... args) throws Exception {
        ToolCheck.require("openssl", "openssl");
        String[] command = new String[args.length + 1];
        command[0] = "openssl";
        System.arraycopy(args, 0, command, 1, args.length);
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor()).as("openssl " + String.join(" ", args) + ": " + output).isZero();
        return output;
    }

    static List<String> pemBlocks(String pem) {
        return java.util.Arrays.stream(pem.split("(?<=-----END CERTIFICATE-----)")).map(String::trim)
                .filter(b -> b.startsWith("-----BEGIN")).map(b -> b + "\n").toList();
    }

    private static String pem(String type, byte[] der) {
        // JSON-escaped line breaks: the PEM goes into a JSON string.
        return "-----BEGIN " + type + "-----\\n" + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der)
                .replace("\n", "\\n") + "\\n-----END " + type + "-----";
    }
}
