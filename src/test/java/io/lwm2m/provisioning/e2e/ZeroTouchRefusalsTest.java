package io.lwm2m.provisioning.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.lwm2m.provisioning.ca.CaFactory;
import io.lwm2m.provisioning.ca.GeneratedCa;
import io.lwm2m.provisioning.ca.KeyAlgorithm;
import io.lwm2m.provisioning.e2e.LeshanDevice.Flavour;
import io.lwm2m.provisioning.e2e.ZeroTouch.FactoryCertificate;
import io.lwm2m.provisioning.e2e.ZeroTouch.Manufacturer;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.eclipse.californium.core.coap.CoAP.ResponseCode;
import org.eclipse.californium.core.coap.Response;
import org.eclipse.leshan.client.object.Security;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * Every way a first contact is refused (issue 17), each with its reason recorded and no device created
 * where none should be. A certificate that fails its checks (another CA, expired, on a CRL we hold)
 * fails its handshake: counted by reason like every failed handshake, and never written, since nothing
 * proves which device it was (ADR 020). A device that did prove a group's trust anchor (its derived
 * key, its factory certificate) and is refused by the group's rules is recorded with the group.
 */
class ZeroTouchRefusalsTest {

    private static TestServer server;
    private static String profile;
    private static Manufacturer acme;
    private static String x509Group;
    private static byte[] serverCertificate;

    @BeforeAll
    static void setUp() {
        server = TestServer.shared();
        String dm = Fixtures.server(server, "coaps://127.0.0.1:9", 181, 300, "U", "PSK", true);
        profile = Fixtures.profile(server, "{\"servers\":[{\"server\":\"" + dm + "\"}]}");
        acme = Manufacturer.registered(server, "Acme Meters");
        x509Group = Fixtures.unique("meters");
        ZeroTouch.group(server, """
                {"name":"%s","attestation":{"type":"X509","manufacturerCas":["%s"]},"allocation":{"type":"STATIC","profile":"%s"}}"""
                .formatted(x509Group, acme.name(), profile));
        serverCertificate = Fixtures.der(server.call("GET", "/api/v1/bootstrap-server", null, null).json().get("certificateChain")
                .asString());
    }

    /** A symmetric-key group of {@code extra} fields; returns its name, prefix and key. */
    private record SymmetricGroup(String name, String prefix, String key) {

        byte[] keyOf(String endpoint) {
            return ZeroTouch.derive(key, prefix + endpoint);
        }
    }

    private static SymmetricGroup symmetric(String extra) {
        String name = Fixtures.unique("psk-line");
        String prefix = Fixtures.unique("zr") + "-";
        JsonNode group = ZeroTouch.group(server, """
                {"name":"%s","attestation":{"type":"SYMMETRIC_KEY","identityPrefix":"%s"},"allocation":{"type":"STATIC","profile":"%s"}%s}"""
                .formatted(name, prefix, profile, extra));
        return new SymmetricGroup(name, prefix, group.get("groupKey").asString());
    }

    /** A Bootstrap-Request over DTLS with this PSK: its answer, or null when the handshake failed. */
    private static Response bootstrapRequest(String identity, byte[] key, String endpoint) throws InterruptedException {
        try (RawCoapsDevice device = RawCoapsDevice.psk(identity, key, RawCoapsDevice.silent())) {
            return device.bootstrapRequest(server.coaps(), true, "ep=" + endpoint);
        }
    }

    private static LeshanDevice.Outcome bootstrapWith(String endpoint, FactoryCertificate idevid) throws Exception {
        try (LeshanDevice client = LeshanDevice.start(endpoint, Security.x509Bootstrap(LeshanDevice.uri(server.coaps()),
                idevid.certificate().getEncoded(), idevid.keys().getPrivate().getEncoded(), serverCertificate),
                Flavour.LWM2M_1_1_SENML_CBOR)) {
            return client.awaitBootstrap(Duration.ofSeconds(15));
        }
    }

    private static JsonNode refusal(String group, String endpoint) {
        return ZeroTouch.admissions(server, group, "REFUSED").stream().filter(a -> a.get("endpoint").asString().equals(endpoint))
                .findFirst().orElseThrow(() -> new AssertionError("no refusal of " + endpoint + " recorded with " + group));
    }

    @Test
    void aCertificateFromAnotherCaFailsItsHandshakeAndCreatesNothing() throws Exception {
        GeneratedCa rogue = CaFactory.generate(KeyAlgorithm.EC_P256, "Rogue", "Rogue Ltd", Duration.ofDays(365), Duration.ofDays(365),
                null, ZeroTouch.RANDOM);
        String endpoint = Fixtures.unique("urn:dev:rogue");
        double untrusted = ZeroTouch.handshakeFailures(server, "certificate-untrusted");

        assertThat(bootstrapWith(endpoint, new Manufacturer("unregistered", rogue).certificate(endpoint)).success()).isFalse();

        assertThat(ZeroTouch.handshakeFailures(server, "certificate-untrusted")).isGreaterThan(untrusted);
        assertThat(ZeroTouch.device(server, endpoint)).isNull();
    }

    @Test
    void anExpiredFactoryCertificateOfTheGroupsCaFailsItsHandshake() throws Exception {
        String endpoint = Fixtures.unique("urn:dev:expired");
        double expired = ZeroTouch.handshakeFailures(server, "certificate-expired");

        assertThat(bootstrapWith(endpoint, acme.certificate(endpoint, null, Instant.now().minus(Duration.ofDays(10)),
                Duration.ofDays(1))).success()).isFalse();

        assertThat(ZeroTouch.handshakeFailures(server, "certificate-expired")).isGreaterThan(expired);
        assertThat(ZeroTouch.device(server, endpoint)).isNull();
    }

    @Test
    void aFactoryCertificateOnTheCrlHeldForItsCaFailsItsHandshake() throws Exception {
        String endpoint = Fixtures.unique("urn:dev:revoked");
        FactoryCertificate idevid = acme.certificate(endpoint);
        TestServer.ApiResponse held = server.upload("PUT", "/api/v1/manufacturer-cas/" + acme.name() + "/crl", "application/pkix-crl",
                acme.crl(idevid.certificate()));
        assertThat(held.status()).as(held.toString()).isEqualTo(200);
        assertThat(held.json().get("crlNextUpdate").asString()).isNotEmpty();
        double revoked = ZeroTouch.handshakeFailures(server, "certificate-revoked");

        assertThat(bootstrapWith(endpoint, idevid).success()).isFalse();

        assertThat(ZeroTouch.handshakeFailures(server, "certificate-revoked")).isGreaterThan(revoked);
        assertThat(ZeroTouch.device(server, endpoint)).isNull();
        GeneratedCa other = CaFactory.generate(KeyAlgorithm.EC_P256, "Other", "Other Ltd", Duration.ofDays(365), Duration.ofDays(365),
                null, ZeroTouch.RANDOM);
        TestServer.ApiResponse foreign = server.upload("PUT", "/api/v1/manufacturer-cas/" + acme.name() + "/crl",
                "application/pkix-crl", new Manufacturer("other", other).crl());
        assertThat(foreign.status()).as("a CRL the CA did not sign").isEqualTo(400);
    }

    @Test
    void aDerivedKeyForAnEndpointOutsideThePatternIsRefusedAndRecorded() throws Exception {
        SymmetricGroup group = symmetric(",\"endpointPattern\":\"urn:dev:zt:[0-9]+\"");
        String endpoint = Fixtures.unique("urn:dev:elsewhere");

        Response answer = bootstrapRequest(group.prefix() + endpoint, group.keyOf(endpoint), endpoint);

        assertThat(answer).isNotNull();
        assertThat(answer.getCode()).isEqualTo(ResponseCode.BAD_REQUEST);
        JsonNode refusal = refusal(group.name(), endpoint);
        assertThat(refusal.get("refusal").asString()).isEqualTo("ENDPOINT_NOT_ADMISSIBLE");
        assertThat(refusal.get("reason").asString()).contains("does not match the endpoint pattern");
        assertThat(ZeroTouch.device(server, endpoint)).isNull();
        JsonNode audit = server.call("GET", "/api/v1/audit?action=bootstrap.request&target=device:" + endpoint, null).json();
        assertThat(audit).singleElement().satisfies(e -> assertThat(e.get("details").get("failure").asString()).isEqualTo("NOT_ADMITTED"));
    }

    @Test
    void aDisabledGroupAdmitsNobody() throws Exception {
        SymmetricGroup group = symmetric(",\"state\":\"DISABLED\"");
        String endpoint = Fixtures.unique("urn:dev:zt");
        double refusedBefore = ZeroTouch.admissionsCounted(server, "SYMMETRIC_KEY", "refused");

        Response answer = bootstrapRequest(group.prefix() + endpoint, group.keyOf(endpoint), endpoint);

        assertThat(answer.getCode()).isEqualTo(ResponseCode.BAD_REQUEST);
        assertThat(refusal(group.name(), endpoint).get("refusal").asString()).isEqualTo("DISABLED");
        assertThat(ZeroTouch.device(server, endpoint)).isNull();
        assertThat(ZeroTouch.admissionsCounted(server, "SYMMETRIC_KEY", "refused")).isEqualTo(refusedBefore + 1);
    }

    @Test
    void aGroupAtItsLimitRefusesTheNextDeviceEvenWhenItComesBack() throws Exception {
        SymmetricGroup group = symmetric(",\"deviceLimit\":1");
        String first = Fixtures.unique("urn:dev:zt");
        String second = Fixtures.unique("urn:dev:zt");

        assertThat(bootstrapRequest(group.prefix() + first, group.keyOf(first), first).getCode()).isEqualTo(ResponseCode.CHANGED);
        assertThat(bootstrapRequest(group.prefix() + second, group.keyOf(second), second).getCode()).isEqualTo(ResponseCode.BAD_REQUEST);
        assertThat(bootstrapRequest(group.prefix() + second, group.keyOf(second), second).getCode()).isEqualTo(ResponseCode.BAD_REQUEST);

        JsonNode refusal = refusal(group.name(), second);
        assertThat(refusal.get("refusal").asString()).isEqualTo("LIMIT_REACHED");
        assertThat(refusal.get("reason").asString()).contains("reached its limit of 1 devices");
        assertThat(refusal.get("attempts").asInt()).as("one row per device and rule").isEqualTo(2);
        assertThat(ZeroTouch.device(server, first)).isNotNull();
        assertThat(ZeroTouch.device(server, second)).isNull();
        assertThat(server.call("GET", "/api/v1/enrollment-groups/" + group.name(), null).json().get("admitted").asInt()).isEqualTo(1);
    }

    @Test
    void aRevokedDeviceIsNotAdmittedAgain() throws Exception {
        SymmetricGroup group = symmetric("");
        String endpoint = Fixtures.unique("urn:dev:zt");
        assertThat(bootstrapRequest(group.prefix() + endpoint, group.keyOf(endpoint), endpoint).getCode())
                .isEqualTo(ResponseCode.CHANGED);
        TestServer.ApiResponse revoked = server.call("POST", "/api/v1/devices/" + endpoint + "/credentials/revoke",
                "{\"target\":\"bootstrap\",\"reason\":\"keyCompromise\"}");
        assertThat(revoked.status()).as(revoked.toString()).isEqualTo(200);

        assertThat(bootstrapRequest(group.prefix() + endpoint, group.keyOf(endpoint), endpoint).getCode())
                .isEqualTo(ResponseCode.BAD_REQUEST);

        JsonNode refusal = refusal(group.name(), endpoint);
        assertThat(refusal.get("refusal").asString()).isEqualTo("DEVICE_EXISTS");
        assertThat(refusal.get("reason").asString()).contains("revoked");
        assertThat(ZeroTouch.device(server, endpoint).has("bootstrapCredential")).as("its bootstrap credential stays revoked").isFalse();
        assertThat(ZeroTouch.admissions(server, group.name(), "ADMITTED")).hasSize(1);
    }

    @Test
    void aRequestNamingAnotherEndpointThanItsCredentialIsRefused() throws Exception {
        SymmetricGroup group = symmetric("");
        String endpoint = Fixtures.unique("urn:dev:zt");

        Response answer = bootstrapRequest(group.prefix() + endpoint, group.keyOf(endpoint), endpoint + "-other");

        assertThat(answer.getCode()).isEqualTo(ResponseCode.BAD_REQUEST);
        assertThat(refusal(group.name(), endpoint).get("refusal").asString()).isEqualTo("ENDPOINT_MISMATCH");
        assertThat(ZeroTouch.device(server, endpoint)).isNull();
        assertThat(ZeroTouch.device(server, endpoint + "-other")).isNull();
    }

    @Test
    void aWrongKeyForAGroupsIdentityFailsItsHandshakeWritingNothing() throws Exception {
        SymmetricGroup group = symmetric("");
        String endpoint = Fixtures.unique("urn:dev:zt");
        double wrong = ZeroTouch.handshakeFailures(server, "wrong-group-key");

        assertThat(bootstrapRequest(group.prefix() + endpoint, new byte[32], endpoint)).isNull();

        ZeroTouch.await(() -> ZeroTouch.handshakeFailures(server, "wrong-group-key") > wrong, Duration.ofSeconds(5),
                "the failed handshake counted");
        assertThat(ZeroTouch.admissions(server, group.name(), null)).isEmpty();
        assertThat(ZeroTouch.device(server, endpoint)).isNull();
    }

    @Test
    void groupsThatWouldClaimTheSameCredentialAreRefused() {
        SymmetricGroup group = symmetric("");
        TestServer.ApiResponse overlapping = server.call("POST", "/api/v1/enrollment-groups", """
                {"name":"%s","attestation":{"type":"SYMMETRIC_KEY","identityPrefix":"%s"},"allocation":{"type":"STATIC","profile":"%s"}}"""
                .formatted(Fixtures.unique("overlap"), group.prefix() + "x", profile));
        assertThat(overlapping.status()).isEqualTo(409);
        assertThat(overlapping.json().get("errors").get(0).get("field").asString()).isEqualTo("attestation.identityPrefix");
        TestServer.ApiResponse sameCa = server.call("POST", "/api/v1/enrollment-groups", """
                {"name":"%s","attestation":{"type":"X509","manufacturerCas":["%s"]},"allocation":{"type":"STATIC","profile":"%s"}}"""
                .formatted(Fixtures.unique("same-ca"), acme.name(), profile));
        assertThat(sameCa.status()).isEqualTo(409);
        TestServer.ApiResponse invalid = server.call("POST", "/api/v1/enrollment-groups", """
                {"name":"%s","attestation":{"type":"X509","manufacturerCas":["no-such-ca"]},"endpointPattern":"(",
                 "allocation":{"type":"WEBHOOK","url":"ftp://x"}}""".formatted(Fixtures.unique("bad")));
        assertThat(invalid.status()).isEqualTo(400);
        assertThat(invalid.json().get("errors").valueStream().map(e -> e.get("field").asString()).toList())
                .contains("endpointPattern", "allocation.url", "attestation.manufacturerCas");
        // The allocation's answer decides the device's profile: over plain http anyone on the path could rewrite it.
        TestServer.ApiResponse plain = server.call("POST", "/api/v1/enrollment-groups", """
                {"name":"%s","attestation":{"type":"SYMMETRIC_KEY","identityPrefix":"%s"},
                 "allocation":{"type":"WEBHOOK","url":"http://allocator.example/allocate"}}"""
                .formatted(Fixtures.unique("plain"), Fixtures.unique("plain-prefix-")));
        assertThat(plain.status()).as(plain.toString()).isEqualTo(400);
        assertThat(plain.json().get("errors").get(0).get("field").asString()).isEqualTo("allocation.url");
    }

    @Test
    void aFactoryCertificateOfTheGroupsCaIsAdmittedOnceAndThenBootstrapsAsAnOrdinaryDevice() throws Exception {
        String endpoint = Fixtures.unique("urn:dev:meter");
        FactoryCertificate idevid = acme.certificate(endpoint);
        assertThat(bootstrapWith(endpoint, idevid).success()).isTrue();
        assertThat(bootstrapWith(endpoint, idevid).success()).isTrue();
        List<JsonNode> admitted = ZeroTouch.admissions(server, x509Group, "ADMITTED").stream()
                .filter(a -> a.get("endpoint").asString().equals(endpoint)).toList();
        assertThat(admitted).hasSize(1);
        assertThat(ZeroTouch.device(server, endpoint).get("profile").asString()).isEqualTo(profile);
    }

    @Test
    void aGroupTakingTheEndpointFromTheSanUriAdmitsByItAndADisabledAdmittedDeviceIsNotAdmittedAgain() throws Exception {
        Manufacturer meters = Manufacturer.registered(server, "Acme Grid");
        String group = Fixtures.unique("grid");
        ZeroTouch.group(server, """
                {"name":"%s","attestation":{"type":"X509","manufacturerCas":["%s"],"endpointFrom":"SAN_URI"},
                 "allocation":{"type":"STATIC","profile":"%s"}}""".formatted(group, meters.name(), profile));
        FactoryCertificate idevid = meters.certificate("Acme grid meter");
        String endpoint = (String) idevid.certificate().getSubjectAlternativeNames().iterator().next().get(1);
        assertThat(endpoint).startsWith("urn:factory:serial:");

        assertThat(bootstrapWith(endpoint, idevid).success()).isTrue();
        assertThat(ZeroTouch.device(server, endpoint).get("bootstrapCredential").get("mode").asString()).isEqualTo("X509");
        TestServer.ApiResponse disabled = server.call("POST", "/api/v1/devices/" + endpoint + "/disable", "{\"reason\":\"stolen\"}");
        assertThat(disabled.status()).as(disabled.toString()).isEqualTo(200);

        assertThat(bootstrapWith(endpoint, idevid).success()).as("an admitted device is an ordinary one: disabled, it is refused")
                .isFalse();
        assertThat(ZeroTouch.admissions(server, group, "ADMITTED")).singleElement()
                .satisfies(a -> assertThat(a.get("endpoint").asString()).isEqualTo(endpoint));
        assertThat(ZeroTouch.device(server, endpoint).get("state").asString()).isEqualTo("DISABLED");
    }
}
