package io.lwm2m.provisioning.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.lwm2m.provisioning.ca.CaFactory;
import io.lwm2m.provisioning.ca.CertificateIssuer;
import io.lwm2m.provisioning.ca.CertificateProfile;
import io.lwm2m.provisioning.ca.GeneratedCa;
import io.lwm2m.provisioning.ca.KeyAlgorithm;
import io.lwm2m.provisioning.ca.Pem;
import io.lwm2m.provisioning.e2e.LeshanDevice.Flavour;
import java.net.URI;
import java.security.KeyPair;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import org.eclipse.leshan.client.object.Security;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Factory certificates (IDevIDs) from registered manufacturer CAs identify pre-registered devices. */
class ManufacturerCaTest {

    private static final SecureRandom RANDOM = new SecureRandom();
    private static TestServer server;
    private static String dm;
    private static GeneratedCa manufacturer;
    private static byte[] serverCertificate;

    @BeforeAll
    static void registerManufacturer() {
        server = TestServer.shared();
        dm = Fixtures.server(server, "coaps://dm.example:5684", 401, 300, "U", "PSK", true);
        manufacturer = CaFactory.generate(KeyAlgorithm.EC_P256, "Acme Factory", "Acme Devices", Duration.ofDays(365),
                Duration.ofDays(365), null, RANDOM);
        // The CA that signs the factory certificates; Leshan's client sends its certificate without the chain.
        TestServer.ApiResponse created = server.call("POST", "/api/v1/manufacturer-cas",
                "{\"name\":\"" + Fixtures.unique("acme") + "\",\"certificate\":" + json(Pem.certificate(manufacturer.issuing())) + "}");
        assertThat(created.status()).as(created.toString()).isEqualTo(201);
        serverCertificate = Fixtures.der(server.call("GET", "/api/v1/bootstrap-server", null, null).json().get("certificateChain").asString());
    }

    private static String factoryDevice() {
        String endpoint = Fixtures.unique("urn:dev:acme");
        TestServer.ApiResponse created = server.call("POST", "/api/v1/devices", """
                {"endpoint":"%s","servers":["%s"],"bootstrapCredential":{"mode":"X509","factory":true}}""".formatted(endpoint, dm));
        assertThat(created.status()).as(created.toString()).isEqualTo(201);
        Fixtures.Device.of(created.json());
        assertThat(created.json().get("bootstrapCredential").has("privateKey")).isFalse();
        return endpoint;
    }

    private static LeshanDevice.Outcome bootstrapWith(String endpoint, GeneratedCa issuer, String commonName, Instant issuedAt,
            Duration validity) throws Exception {
        KeyPair keys = KeyAlgorithm.EC_P256.generate(RANDOM);
        X509Certificate idevid = new CertificateIssuer(issuer.issuing(), issuer.issuingKey(), null, null, RANDOM)
                .issue(keys.getPublic(), CertificateProfile.device(validity), commonName, URI.create("urn:acme:serial:42"),
                        CertificateIssuer.randomSerial(RANDOM), issuedAt);
        try (LeshanDevice client = LeshanDevice.start(endpoint, Security.x509Bootstrap(LeshanDevice.uri(server.coaps()),
                idevid.getEncoded(), keys.getPrivate().getEncoded(), serverCertificate), Flavour.LWM2M_1_1_SENML_CBOR)) {
            return client.awaitBootstrap(Duration.ofSeconds(15));
        }
    }

    @Test
    void aFactoryCertificateNamingTheEndpointBootstraps() throws Exception {
        String endpoint = factoryDevice();
        LeshanDevice.Outcome outcome = bootstrapWith(endpoint, manufacturer, endpoint, Instant.now(), Duration.ofDays(30));
        assertThat(outcome.success()).as(outcome.toString()).isTrue();
    }

    @Test
    void aFactoryCertificateFromAnUntrustedCaIsRefused() throws Exception {
        String endpoint = factoryDevice();
        GeneratedCa rogue = CaFactory.generate(KeyAlgorithm.EC_P256, "Rogue", "Rogue Ltd", Duration.ofDays(365),
                Duration.ofDays(365), null, RANDOM);
        assertThat(bootstrapWith(endpoint, rogue, endpoint, Instant.now(), Duration.ofDays(30)).success()).isFalse();
    }

    @Test
    void anExpiredFactoryCertificateIsRefused() throws Exception {
        String endpoint = factoryDevice();
        assertThat(bootstrapWith(endpoint, manufacturer, endpoint, Instant.now().minus(Duration.ofDays(10)), Duration.ofDays(1))
                .success()).isFalse();
    }

    @Test
    void aFactoryCertificateNamingAnotherEndpointIsRefused() throws Exception {
        String endpoint = factoryDevice();
        String other = factoryDevice();
        LeshanDevice.Outcome outcome = bootstrapWith(endpoint, manufacturer, other, Instant.now(), Duration.ofDays(30));
        assertThat(outcome.success()).isFalse();
        assertThat(outcome.code()).isEqualTo(org.eclipse.leshan.core.ResponseCode.BAD_REQUEST);
    }

    @Test
    void aNonCaCertificateCannotBeRegisteredAsManufacturerCa() throws Exception {
        KeyPair keys = KeyAlgorithm.EC_P256.generate(RANDOM);
        X509Certificate leaf = new CertificateIssuer(manufacturer.issuing(), manufacturer.issuingKey(), null, null, RANDOM)
                .issue(keys.getPublic(), CertificateProfile.device(Duration.ofDays(3)), "not-a-ca", null,
                        CertificateIssuer.randomSerial(RANDOM), Instant.now());
        TestServer.ApiResponse response = server.call("POST", "/api/v1/manufacturer-cas",
                "{\"name\":\"" + Fixtures.unique("leaf") + "\",\"certificate\":" + json(Pem.certificate(leaf)) + "}");
        assertThat(response.status()).isEqualTo(400);
        assertThat(response.json().get("errors").get(0).get("field").asString()).isEqualTo("certificate");
    }

    private static String json(String s) {
        return "\"" + s.replace("\n", "\\n") + "\"";
    }
}
