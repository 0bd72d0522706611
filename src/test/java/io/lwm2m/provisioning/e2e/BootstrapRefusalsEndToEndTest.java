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
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import javax.sql.DataSource;
import org.eclipse.californium.core.coap.CoAP.ResponseCode;
import org.eclipse.californium.core.coap.Request;
import org.eclipse.californium.core.coap.Response;
import org.eclipse.leshan.client.object.Security;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;
import org.springframework.jdbc.core.JdbcTemplate;
import tools.jackson.databind.JsonNode;

/**
 * Issue 4's bad-input list: each refusal gets the right code (a CoAP code, or a failed DTLS
 * handshake where no CoAP exchange can happen), a recorded reason (session record and audit log,
 * or the log line of the refused handshake), and leaves no state behind: no session left
 * RUNNING, the device as it was (credentials, pending rotations not marked delivered), and a
 * device that bootstraps normally right afterwards.
 */
class BootstrapRefusalsEndToEndTest {

    private static final SecureRandom RANDOM = new SecureRandom();

    /** How the device authenticates on the bootstrap channel. */
    enum BootstrapMode {
        PSK, RPK, X509, FACTORY_X509
    }

    private static TestServer server;
    private static JdbcTemplate jdbc;
    private static JsonNode bootstrapServer;
    private static String dmServer;
    private static String strictProfile;
    private static GeneratedCa manufacturer;

    @BeforeAll
    static void start() {
        server = TestServer.shared();
        jdbc = new JdbcTemplate(server.bean(DataSource.class));
        bootstrapServer = server.call("GET", "/api/v1/bootstrap-server", null, null).json();
        dmServer = Fixtures.server(server, "coaps://refusals.example:5684", 701, 300, "U", "PSK", true);
        strictProfile = Fixtures.unique("strict");
        TestServer.ApiResponse profile = server.call("POST", "/api/v1/profiles", """
                {"name":"%s","definition":{"servers":[{"server":"%s"}],
                  "accessControl":[{"objectId":3,"instanceId":0,"acl":{"701":7},"owner":701}],
                  "deletePaths":["/0","/1","/2"],"allowNoSec":false}}""".formatted(strictProfile, dmServer));
        assertThat(profile.status()).as(profile.toString()).isEqualTo(201);
        manufacturer = CaFactory.generate(KeyAlgorithm.EC_P256, "Refusals Factory", "Refusals Devices", Duration.ofDays(365),
                Duration.ofDays(365), null, RANDOM);
        TestServer.ApiResponse registered = server.call("POST", "/api/v1/manufacturer-cas", "{\"name\":\""
                + Fixtures.unique("refusals-factory") + "\",\"certificate\":\"" + Pem.certificate(manufacturer.issuing())
                .replace("\n", "\\n") + "\"}");
        assertThat(registered.status()).as(registered.toString()).isEqualTo(201);
    }

    // ---- identity of another endpoint ------------------------------------------------------------------

    @ParameterizedTest
    @EnumSource(BootstrapMode.class)
    void theIdentityOfAnotherEndpointGets400TheRealReasonAndLeavesBothDevicesAsTheyWere(BootstrapMode mode) throws Exception {
        Registered owner = register(mode);
        Registered victim = register(mode);
        String victimBefore = deviceState(victim.endpoint);

        try (LeshanDevice client = LeshanDevice.start(victim.endpoint, owner.account(manufacturer, Instant.now(), Duration.ofDays(30)),
                Flavour.LWM2M_1_1_SENML_CBOR, owner.cipherSuites(), List.of(), List.of())) {
            LeshanDevice.Outcome outcome = client.awaitBootstrap(Duration.ofSeconds(20));
            assertThat(outcome.success()).isFalse();
            assertThat(outcome.code()).as(outcome.toString()).isEqualTo(org.eclipse.leshan.core.ResponseCode.BAD_REQUEST);
        }
        JsonNode refused = sessions(owner.endpoint).get(0);
        assertThat(refused.get("outcome").asString()).isEqualTo("FAILED");
        assertThat(refused.get("endpoint").asString()).isEqualTo(victim.endpoint);
        assertThat(refused.get("reason").asString()).contains("does not match the DTLS identity").contains(owner.endpoint);
        assertThat(refused.get("steps")).isEmpty();
        assertThat(audit(victim.endpoint)).singleElement().satisfies(row -> {
            assertThat(row.get("outcome")).isEqualTo("DENIED");
            assertThat((String) row.get("details")).contains("does not match the DTLS identity");
        });
        assertThat(sessions(victim.endpoint)).isEmpty();
        assertThat(deviceState(victim.endpoint)).isEqualTo(victimBefore);
        assertNothingRunning();
        assertBootstraps(owner);
    }

    // ---- certificates the server cannot trust ----------------------------------------------------------

    @ParameterizedTest(name = "{0}")
    @CsvSource(quoteCharacter = '"', value = {
            "untrusted CA, chains to neither this server's CA nor a registered manufacturer CA",
            "expired, expired at",
            "not yet valid, is not valid before"})
    void aFactoryCertificateTheServerCannotTrustFailsTheHandshakeWithTheReasonLogged(String problem, String loggedReason)
            throws Exception {
        Registered device = register(BootstrapMode.FACTORY_X509);
        String before = deviceState(device.endpoint);
        GeneratedCa issuer = problem.equals("untrusted CA") ? CaFactory.generate(KeyAlgorithm.EC_P256, "Rogue", "Rogue Ltd",
                Duration.ofDays(365), Duration.ofDays(365), null, RANDOM) : manufacturer;
        Instant issuedAt = switch (problem) {
            case "expired" -> Instant.now().minus(Duration.ofDays(10));
            case "not yet valid" -> Instant.now().plus(Duration.ofDays(10));
            default -> Instant.now();
        };

        try (LeshanDevice client = LeshanDevice.start(device.endpoint, device.account(issuer, issuedAt, Duration.ofDays(1)),
                Flavour.LWM2M_1_1_SENML_CBOR, device.cipherSuites(), List.of(), List.of())) {
            LeshanDevice.Outcome outcome = client.awaitBootstrap(Duration.ofSeconds(20));
            assertThat(outcome.success()).isFalse();
            // The DTLS handshake ended with a fatal alert: there was never a CoAP exchange to answer.
            assertThat(outcome.code()).as(outcome.toString()).isNull();
        }
        // Logged once a second per reason, with the last certificate and the precise reason.
        Thread.sleep(1_500);
        assertThat(TestOutput.captured().lines().filter(l -> l.contains("DTLS handshake") && l.contains(device.endpoint)))
                .as("the refused handshake is logged with the certificate and the reason")
                .anySatisfy(l -> assertThat(l).contains(loggedReason));
        assertThat(sessions(device.endpoint)).isEmpty();
        assertThat(deviceState(device.endpoint)).isEqualTo(before);
        assertNothingRunning();
        assertBootstraps(device);
    }

    // ---- NoSec where the profile forbids it --------------------------------------------------------------

    @Test
    void noSecToAProfileThatForbidsItGets400TheReasonAndLeavesTheDeviceAsItWas() throws Exception {
        Registered device = register(BootstrapMode.PSK);
        String before = deviceState(device.endpoint);
        try (LeshanDevice client = LeshanDevice.noSec(device.endpoint, server.coap(), Flavour.LWM2M_1_1_SENML_CBOR)) {
            LeshanDevice.Outcome outcome = client.awaitBootstrap(Duration.ofSeconds(20));
            assertThat(outcome.success()).isFalse();
            assertThat(outcome.code()).as(outcome.toString()).isEqualTo(org.eclipse.leshan.core.ResponseCode.BAD_REQUEST);
        }
        JsonNode refused = sessions(device.endpoint).get(0);
        assertThat(refused.get("outcome").asString()).isEqualTo("FAILED");
        assertThat(refused.get("securityMode").asString()).isEqualTo("NOSEC");
        assertThat(refused.get("reason").asString()).contains("plain CoAP").contains("requires DTLS");
        assertThat(audit(device.endpoint)).singleElement()
                .satisfies(row -> assertThat((String) row.get("details")).contains("requires DTLS"));
        assertThat(deviceState(device.endpoint)).isEqualTo(before);
        assertNothingRunning();
        assertBootstraps(device);
    }

    // ---- malformed Bootstrap-Requests --------------------------------------------------------------------

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', quoteCharacter = '"', value = {
            "ep=urn:dev:ops:nobody      | 4.00 | 'urn:dev:ops:nobody' is not a registered device",
            "ep=                        | 4.00 | ep is empty",
            "ep=EP&ep=EP                | 4.00 | ep given twice",
            "ep=EP&pct=abc              | 4.00 | pct 'abc' is not a number",
            "ep=EP&pct=70000            | 4.00 | pct 70000 is not a content format",
            "ep=EP&pct=11543            | 4.15 | content format 11543"})
    void aMalformedBootstrapRequestGetsItsCodeAndReasonAndChangesNothing(String query, String code, String reason)
            throws Exception {
        Registered device = register(BootstrapMode.PSK);
        String before = deviceState(device.endpoint);
        try (RawCoapsDevice raw = RawCoapsDevice.psk(device.identity, device.key, RawCoapsDevice.silent())) {
            Response response = raw.bootstrapRequest(server.coaps(), true, query.replace("EP", device.endpoint));
            assertThat(response).as("an answer").isNotNull();
            assertThat(response.getCode().codeClass + "." + String.format("%02d", response.getCode().codeDetail)).isEqualTo(code);
            assertThat(response.getPayloadSize()).as("the reason stays on the server").isZero();
        }
        JsonNode refused = sessions(device.endpoint).get(0);
        assertThat(refused.get("outcome").asString()).isEqualTo("FAILED");
        assertThat(refused.get("reason").asString()).contains(reason);
        assertThat(refused.get("steps")).isEmpty();
        assertThat(deviceState(device.endpoint)).isEqualTo(before);
        assertNothingRunning();
        assertBootstraps(device);
    }

    // ---- clients that refuse writes or go silent -----------------------------------------------------------

    @ParameterizedTest(name = "{0} to {1}")
    @CsvSource({
            "BAD_REQUEST,           /0/1",
            "NOT_FOUND,             /0/1",
            "INTERNAL_SERVER_ERROR, /0/1",
            "NOT_FOUND,             /1/0",
            "INTERNAL_SERVER_ERROR, /2/0",
            "SILENT,                /0/1",
            "SILENT,                /2/0"})
    void aClientThatRefusesAWriteOrGoesSilentEndsTheSessionWithTheReasonAndNothingDelivered(String answer, String failingPath)
            throws Exception {
        Registered device = register(BootstrapMode.PSK);
        // A rotated DM-server credential waits to be delivered: a failed session must not count as delivering it.
        TestServer.ApiResponse rotated = server.call("POST", "/api/v1/devices/" + device.endpoint + "/credentials/rotate",
                "{\"target\":\"server\",\"server\":\"" + dmServer + "\"}");
        assertThat(rotated.status()).as(rotated.toString()).isEqualTo(201);
        TestOutput.rememberSecret(rotated.json().get("key").asString());
        long pending = rotated.json().get("id").asLong();
        String before = deviceState(device.endpoint);

        boolean silent = answer.equals("SILENT");
        try (RawCoapsDevice raw = RawCoapsDevice.psk(device.identity, device.key,
                refusing(failingPath, silent ? null : ResponseCode.valueOf(answer)))) {
            assertThat(raw.bootstrapRequest(server.coaps(), true, "ep=" + device.endpoint).getCode()).isEqualTo(ResponseCode.CHANGED);
            JsonNode session = awaitEnded(device.endpoint);
            assertThat(session.get("outcome").asString()).isEqualTo("FAILED");
            String expected = silent ? "no answer to Bootstrap-Write " + failingPath
                    : "the client answered " + codeOf(ResponseCode.valueOf(answer)) + " to Bootstrap-Write " + failingPath;
            assertThat(session.get("reason").asString()).startsWith(expected);
            List<String> steps = session.get("steps").valueStream().map(s -> s.get("path").asString()).toList();
            assertThat(steps.get(steps.size() - 1)).as("nothing sent after the failed write").isEqualTo(failingPath);
            assertThat(steps).doesNotContain("/bs");
        }
        assertThat(deliveredAt(pending)).as("the rotated credential was not delivered").isNull();
        assertThat(deviceState(device.endpoint)).isEqualTo(before);
        assertNothingRunning();

        assertBootstraps(device);
        assertThat(deliveredAt(pending)).as("delivered by the successful bootstrap").isNotNull();
    }

    /** Discovers like a Leshan 1.1 client, deletes fine, answers {@code failingPath}'s write with {@code code} (null: never). */
    private static Function<Request, Response> refusing(String failingPath, ResponseCode code) {
        return request -> switch (request.getCode()) {
            case GET -> {
                Response r = new Response(ResponseCode.CONTENT);
                r.getOptions().setContentFormat(40);
                r.setPayload("</>;lwm2m=1.1,</0>;ver=1.1,</0/0>;uri=\"coaps://127.0.0.1:5684\",</1>;ver=1.1,</2>;ver=1.0,</3/0>");
                yield r;
            }
            case DELETE -> new Response(ResponseCode.DELETED);
            case PUT -> ("/" + request.getOptions().getUriPathString()).equals(failingPath)
                    ? code == null ? null : new Response(code)
                    : new Response(ResponseCode.CHANGED);
            case POST -> new Response(ResponseCode.CHANGED);
            default -> new Response(ResponseCode.METHOD_NOT_ALLOWED);
        };
    }

    private static String codeOf(ResponseCode code) {
        return code.codeClass + "." + String.format("%02d", code.codeDetail);
    }

    // ---- devices -----------------------------------------------------------------------------------------

    /** A device of the strict profile and the bootstrap credential its creation returned. */
    private record Registered(String endpoint, BootstrapMode mode, JsonNode bootstrap, String identity, byte[] key) {

        /** Its bootstrap account; a factory device gets a fresh IDevID from {@code issuer}, naming it. */
        Security account(GeneratedCa issuer, Instant issuedAt, Duration validity) throws Exception {
            String uri = LeshanDevice.uri(server.coaps());
            byte[] serverCertificate = Fixtures.der(bootstrapServer.get("certificateChain").asString());
            return switch (mode) {
                case PSK -> Security.pskBootstrap(uri, identity.getBytes(StandardCharsets.UTF_8), key);
                case RPK -> Security.rpkBootstrap(uri, Fixtures.der(bootstrap.get("publicKey").asString()),
                        Fixtures.der(bootstrap.get("privateKey").asString()), Fixtures.der(bootstrapServer.get("publicKey").asString()));
                case X509 -> Security.x509Bootstrap(uri, Fixtures.der(bootstrap.get("certificate").asString()),
                        Fixtures.der(bootstrap.get("privateKey").asString()), serverCertificate);
                case FACTORY_X509 -> {
                    KeyPair keys = KeyAlgorithm.EC_P256.generate(RANDOM);
                    X509Certificate idevid = new CertificateIssuer(issuer.issuing(), issuer.issuingKey(), null, null, RANDOM)
                            .issue(keys.getPublic(), CertificateProfile.device(validity), endpoint, URI.create("urn:refusals:serial:1"),
                                    CertificateIssuer.randomSerial(RANDOM), issuedAt);
                    yield Security.x509Bootstrap(uri, idevid.getEncoded(), keys.getPrivate().getEncoded(), serverCertificate);
                }
            };
        }

        List<org.eclipse.californium.scandium.dtls.cipher.CipherSuite> cipherSuites() {
            return mode == BootstrapMode.PSK
                    ? List.of(org.eclipse.californium.scandium.dtls.cipher.CipherSuite.TLS_PSK_WITH_AES_128_CCM_8)
                    : List.of(org.eclipse.californium.scandium.dtls.cipher.CipherSuite.TLS_ECDHE_ECDSA_WITH_AES_128_CCM_8);
        }
    }

    private static Registered register(BootstrapMode mode) {
        String endpoint = Fixtures.unique("urn:dev:ops:refusals");
        String credential = switch (mode) {
            case PSK -> "{\"mode\":\"PSK\"}";
            case RPK -> "{\"mode\":\"RPK\"}";
            case X509 -> "{\"mode\":\"X509\"}";
            case FACTORY_X509 -> "{\"mode\":\"X509\",\"factory\":true}";
        };
        TestServer.ApiResponse created = server.call("POST", "/api/v1/devices", """
                {"endpoint":"%s","profile":"%s","bootstrapCredential":%s}""".formatted(endpoint, strictProfile, credential));
        assertThat(created.status()).as(created.toString()).isEqualTo(201);
        Fixtures.Device device = Fixtures.Device.of(created.json());
        return new Registered(endpoint, mode, created.json().get("bootstrapCredential"), device.identity(), device.key());
    }

    private static void assertBootstraps(Registered device) throws Exception {
        try (LeshanDevice client = LeshanDevice.start(device.endpoint, device.account(manufacturer, Instant.now(), Duration.ofDays(30)),
                Flavour.LWM2M_1_1_SENML_CBOR, device.cipherSuites(), List.of(), List.of())) {
            LeshanDevice.Outcome outcome = client.awaitBootstrap(Duration.ofSeconds(30));
            assertThat(outcome.success()).as(outcome.toString()).isTrue();
            assertThat(client.instances(1)).hasSize(1);
            assertThat(client.instances(2)).hasSize(1);
        }
        assertThat(awaitEnded(device.endpoint).get("outcome").asString()).isEqualTo("SUCCEEDED");
    }

    // ---- state -------------------------------------------------------------------------------------------

    /** Everything the API shows of the device, and its credentials' rows: a refusal must change none of it. */
    private static String deviceState(String endpoint) {
        TestServer.ApiResponse device = server.call("GET", "/api/v1/devices/" + endpoint, null);
        assertThat(device.status()).as(device.toString()).isEqualTo(200);
        List<Map<String, Object>> credentials = jdbc.queryForList("SELECT c.id, c.status, c.delivered_at FROM device_credentials c "
                + "JOIN devices d ON d.id = c.device_id WHERE d.endpoint = ? ORDER BY c.id", endpoint);
        return device.body() + " " + credentials;
    }

    private static Object deliveredAt(long credentialId) {
        return jdbc.queryForObject("SELECT delivered_at FROM device_credentials WHERE id = ?", Object.class, credentialId);
    }

    private static void assertNothingRunning() {
        assertThat(server.runningSessions()).as("sessions running in this replica").isZero();
        assertThat(jdbc.queryForObject("SELECT count(*) FROM bootstrap_sessions WHERE outcome = 'RUNNING' AND endpoint LIKE ?",
                Integer.class, "urn:dev:ops:refusals-%")).as("sessions RUNNING in the database").isZero();
    }

    private static List<Map<String, Object>> audit(String endpoint) {
        return jdbc.queryForList("SELECT action, outcome, details FROM audit_events WHERE target = ? AND action LIKE 'bootstrap.%'",
                "device:" + endpoint);
    }

    private static JsonNode awaitEnded(String endpoint) throws InterruptedException {
        Instant deadline = Instant.now().plus(Duration.ofSeconds(20));
        while (Instant.now().isBefore(deadline)) {
            List<JsonNode> sessions = sessions(endpoint);
            if (!sessions.isEmpty() && !sessions.get(0).get("outcome").asString().equals("RUNNING")) {
                return sessions.get(0);
            }
            Thread.sleep(50);
        }
        throw new AssertionError("no ended session of " + endpoint + ": " + sessions(endpoint));
    }

    private static List<JsonNode> sessions(String endpoint) {
        TestServer.ApiResponse response = server.call("GET", "/api/v1/devices/" + endpoint + "/sessions", null);
        assertThat(response.status()).as(response.toString()).isEqualTo(200);
        List<JsonNode> list = new ArrayList<>();
        response.json().forEach(list::add);
        return list;
    }
}
