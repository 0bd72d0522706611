package io.lwm2m.provisioning.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.lwm2m.provisioning.ca.CaFactory;
import io.lwm2m.provisioning.ca.KeyAlgorithm;
import io.lwm2m.provisioning.ca.Pem;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import tools.jackson.databind.JsonNode;

/**
 * Every role against every endpoint over real HTTP: allowed (the operation's success status),
 * 403 (authenticated, role not allowed), 401 (no credentials). Mutations act on fresh objects made
 * by the admin key for each call, so an allowed call really succeeds and a denied one is really denied.
 */
class RoleMatrixTest {

    private static final String NONE = "no key";
    private static final Set<String> ANY = Set.of("admin", "security-officer", "operator", "auditor");
    private static final Set<String> SECURITY = Set.of("admin", "security-officer");
    private static final Set<String> REGISTER = Set.of("admin", "operator");
    private static final Set<String> AUDIT = Set.of("admin", "security-officer", "auditor");
    private static final Set<String> ADMIN = Set.of("admin");
    private static final SecureRandom RANDOM = new SecureRandom();

    private static TestServer server;
    private static final Map<String, String> bearer = new HashMap<>();
    private static String dm;
    private static String device;
    private static String serial;
    private static String profile;

    @BeforeAll
    static void start() {
        server = TestServer.shared();
        for (String role : ApiKeys.ROLES) {
            bearer.put(role, ApiKeys.bearer(server, role));
        }
        dm = Fixtures.server(server, "coaps://dm.example:5684", 111, 300, "U", "PSK", true);
        device = Fixtures.device(server, dm).endpoint();
        serial = x509Device()[1];
        profile = profile();
    }

    /** One row of the matrix: a call, the roles allowed to make it, and its success status. */
    record Call(String name, String method, Supplier<String> path, Supplier<String> body, Set<String> allowed, int success,
            boolean isPublic) {

        static Call of(String method, String path, Set<String> allowed, int success) {
            return new Call(method + " " + path, method, () -> path, () -> null, allowed, success, false);
        }

        static Call of(String name, String method, Supplier<String> path, Supplier<String> body, Set<String> allowed, int success) {
            return new Call(name, method, path, body, allowed, success, false);
        }

        static Call open(String path) {
            return new Call("GET " + path, "GET", () -> path, () -> null, ANY, 200, true);
        }
    }

    private static List<Call> calls() {
        List<Call> calls = new ArrayList<>();
        calls.add(Call.of("GET", "/api/v1/servers", ANY, 200));
        calls.add(Call.of("GET /api/v1/servers/{name}", "GET", () -> "/api/v1/servers/" + dm, () -> null, ANY, 200));
        calls.add(Call.of("POST /api/v1/servers", "POST", () -> "/api/v1/servers", () -> """
                {"name":"%s","uri":"coaps://dm.example","shortServerId":9,"lifetime":60,"binding":"U","securityMode":"PSK"}"""
                .formatted(Fixtures.unique("dm")), SECURITY, 201));
        calls.add(Call.of("GET", "/api/v1/profiles", ANY, 200));
        calls.add(Call.of("GET /api/v1/profiles/{name}", "GET", () -> "/api/v1/profiles/" + profile, () -> null, ANY, 200));
        calls.add(Call.of("POST /api/v1/profiles", "POST", () -> "/api/v1/profiles", () -> profileBody(Fixtures.unique("p")),
                SECURITY, 201));
        calls.add(Call.of("PUT /api/v1/profiles/{name}", "PUT", () -> "/api/v1/profiles/" + profile(),
                () -> "{\"description\":\"changed\",\"definition\":{\"servers\":[{\"server\":\"" + dm + "\"}]}}", SECURITY, 200));
        calls.add(Call.of("DELETE /api/v1/profiles/{name}", "DELETE", () -> "/api/v1/profiles/" + profile(), () -> null,
                SECURITY, 204));
        calls.add(Call.of("POST /api/v1/devices", "POST", () -> "/api/v1/devices", () -> """
                {"endpoint":"%s","servers":["%s"],"bootstrapCredential":{"mode":"PSK"}}"""
                .formatted(Fixtures.unique("urn:dev:ops:matrix"), dm), REGISTER, 201));
        calls.add(Call.of("GET", "/api/v1/devices", ANY, 200));
        calls.add(Call.of("GET /api/v1/devices/{ep}", "GET", () -> "/api/v1/devices/" + device, () -> null, ANY, 200));
        calls.add(Call.of("GET /api/v1/devices/{ep}/bootstrap-config", "GET", () -> "/api/v1/devices/" + device + "/bootstrap-config",
                () -> null, ANY, 200));
        calls.add(Call.of("GET /api/v1/devices/{ep}/sessions", "GET", () -> "/api/v1/devices/" + device + "/sessions",
                () -> null, ANY, 200));
        calls.add(Call.of("POST /api/v1/devices/{ep}/disable", "POST", () -> "/api/v1/devices/" + freshDevice() + "/disable",
                () -> "{\"reason\":\"matrix\"}", SECURITY, 200));
        calls.add(Call.of("POST /api/v1/devices/{ep}/enable", "POST", () -> "/api/v1/devices/" + disabledDevice() + "/enable",
                () -> null, SECURITY, 200));
        calls.add(Call.of("DELETE /api/v1/devices/{ep}", "DELETE", () -> "/api/v1/devices/" + freshDevice(), () -> null,
                SECURITY, 200));
        calls.add(Call.of("POST /api/v1/devices/{ep}/credentials/rotate", "POST",
                () -> "/api/v1/devices/" + freshDevice() + "/credentials/rotate", () -> "{\"target\":\"bootstrap\"}", SECURITY, 201));
        calls.add(Call.of("POST /api/v1/devices/{ep}/credentials/{id}/confirm", "POST", RoleMatrixTest::pendingCredentialPath,
                () -> null, SECURITY, 200));
        calls.add(Call.of("POST /api/v1/devices/{ep}/credentials/revoke", "POST",
                () -> "/api/v1/devices/" + freshDevice() + "/credentials/revoke", () -> "{\"target\":\"all\"}", SECURITY, 200));
        calls.add(Call.of("GET", "/api/v1/certificates", ANY, 200));
        calls.add(Call.of("GET /api/v1/certificates/{serial}", "GET", () -> "/api/v1/certificates/" + serial, () -> null, ANY, 200));
        calls.add(Call.of("POST /api/v1/certificates/{serial}/revoke", "POST",
                () -> "/api/v1/certificates/" + x509Device()[1] + "/revoke", () -> "{\"reason\":\"keyCompromise\"}", SECURITY, 200));
        calls.add(Call.open("/api/v1/ca/certificates"));
        calls.add(Call.open("/api/v1/ca/crl"));
        calls.add(Call.open("/api/v1/bootstrap-server"));
        calls.add(Call.of("GET", "/api/v1/manufacturer-cas", ANY, 200));
        calls.add(Call.of("POST /api/v1/manufacturer-cas", "POST", () -> "/api/v1/manufacturer-cas",
                () -> manufacturerBody(Fixtures.unique("acme")), SECURITY, 201));
        calls.add(Call.of("DELETE /api/v1/manufacturer-cas/{name}", "DELETE", () -> "/api/v1/manufacturer-cas/" + manufacturer(),
                () -> null, SECURITY, 204));
        calls.add(Call.of("GET", "/api/v1/secrets/kek", AUDIT, 200));
        calls.add(Call.of("POST", "/api/v1/secrets/rewrap", SECURITY, 200));
        calls.add(Call.of("GET", "/api/v1/api-keys", ADMIN, 200));
        calls.add(Call.of("POST /api/v1/api-keys", "POST", () -> "/api/v1/api-keys",
                () -> "{\"name\":\"" + Fixtures.unique("k") + "\",\"role\":\"auditor\"}", ADMIN, 201));
        calls.add(Call.of("GET /api/v1/api-keys/{id}", "GET", () -> "/api/v1/api-keys/" + freshKeyId(), () -> null, ADMIN, 200));
        calls.add(Call.of("DELETE /api/v1/api-keys/{id}", "DELETE", () -> "/api/v1/api-keys/" + freshKeyId(), () -> null, ADMIN, 200));
        calls.add(Call.of("GET", "/api/v1/audit", AUDIT, 200));
        calls.add(Call.of("GET", "/api/v1/audit/verify", AUDIT, 200));
        // Merged from the import, export, fleet-action and EST work.
        calls.add(Call.of("GET /api/v1/servers/{name}/credentials-export", "GET",
                () -> "/api/v1/servers/" + dm + "/credentials-export", () -> null, SECURITY, 200));
        calls.add(Call.of("POST /api/v1/fleet-actions (dry run)", "POST", () -> "/api/v1/fleet-actions",
                () -> "{\"action\":\"rotate\",\"selector\":{\"profile\":\"" + profile + "\"},\"dryRun\":true}", SECURITY, 200));
        calls.add(Call.of("GET", "/api/v1/est/enrollments", AUDIT, 200));
        calls.add(Call.of("POST /api/v1/est/enrollments/{id}/approve", "POST", () -> "/api/v1/est/enrollments/999999999/approve",
                () -> null, SECURITY, 404));
        return calls;
    }

    @TestFactory
    Stream<DynamicTest> everyRoleOnEveryEndpoint() {
        List<String> callers = new ArrayList<>(List.of(ApiKeys.ROLES));
        callers.add(NONE);
        return calls().stream().flatMap(call -> callers.stream().map(caller -> DynamicTest.dynamicTest(
                call.name() + " as " + caller, () -> check(call, caller))));
    }

    private static void check(Call call, String caller) {
        String path = call.path().get();
        String body = call.body().get();
        TestServer.ApiResponse response = server.call(call.method(), path, body, NONE.equals(caller) ? null : bearer.get(caller));
        if (response.contentType().contains("json") && response.json().isObject() && response.json().has("key")) {
            TestOutput.rememberSecret(response.json().get("key").asString());
        }
        if (call.isPublic()) {
            assertThat(response.status()).as(response.toString()).isEqualTo(200);
        } else if (NONE.equals(caller)) {
            assertThat(response.status()).as(response.toString()).isEqualTo(401);
            assertThat(response.contentType()).startsWith("application/problem+json");
        } else if (call.allowed().contains(caller)) {
            assertThat(response.status()).as(response.toString()).isEqualTo(call.success());
            if (call.method().equals("POST") && path.equals("/api/v1/devices")) {
                Fixtures.Device.of(response.json());
            }
        } else {
            assertThat(response.status()).as(response.toString()).isEqualTo(403);
            assertThat(response.contentType()).startsWith("application/problem+json");
            assertThat(response.json().get("title").asString()).isEqualTo("Forbidden");
        }
    }

    @Test
    void anOperatorSeesTheSecretsOfItsOwnCreateCallOnlyAndCannotRotate() {
        String operator = bearer.get("operator");
        TestServer.ApiResponse created = server.call("POST", "/api/v1/devices", """
                {"endpoint":"%s","servers":["%s"],"bootstrapCredential":{"mode":"PSK"}}"""
                .formatted(Fixtures.unique("urn:dev:ops:op"), dm), operator);
        assertThat(created.status()).as(created.toString()).isEqualTo(201);
        Fixtures.Device registered = Fixtures.Device.of(created.json());
        String key = created.json().get("bootstrapCredential").get("key").asString();

        TestServer.ApiResponse read = server.call("GET", "/api/v1/devices/" + registered.endpoint(), null, operator);
        assertThat(read.status()).isEqualTo(200);
        assertThat(read.body()).doesNotContain(key).doesNotContain("\"key\"");

        TestServer.ApiResponse rotate = server.call("POST", "/api/v1/devices/" + registered.endpoint() + "/credentials/rotate",
                "{\"target\":\"bootstrap\"}", operator);
        assertThat(rotate.status()).isEqualTo(403);
        JsonNode after = server.call("GET", "/api/v1/devices/" + registered.endpoint(), null).json();
        assertThat(after.has("pendingBootstrapCredentials")).as("the denied rotation changed nothing").isFalse();

        JsonNode denials = server.call("GET", "/api/v1/audit?action=api.denied&limit=20", null).json();
        assertThat(denials.valueStream().map(e -> e.get("target").asString()))
                .contains("api:POST /api/v1/devices/" + registered.endpoint() + "/credentials/rotate");
    }

    @Test
    void theAuditorReadsTheAuditLogWithoutSecrets() {
        Fixtures.Device registered = Fixtures.device(server, dm);
        TestServer.ApiResponse audit = server.call("GET", "/api/v1/audit?target=device:" + registered.endpoint(), null,
                bearer.get("auditor"));
        assertThat(audit.status()).isEqualTo(200);
        assertThat(audit.json().get(0).get("action").asString()).isEqualTo("device.create");
        assertThat(audit.body()).doesNotContain(java.util.HexFormat.of().formatHex(registered.key()));
    }

    private static String freshDevice() {
        return Fixtures.device(server, dm).endpoint();
    }

    private static String disabledDevice() {
        String endpoint = freshDevice();
        assertThat(server.call("POST", "/api/v1/devices/" + endpoint + "/disable", null).status()).isEqualTo(200);
        return endpoint;
    }

    /** A device with an X.509 bootstrap credential: its endpoint and its certificate's serial. */
    private static String[] x509Device() {
        Fixtures.Device created = Fixtures.deviceWith(server, "X509", dm);
        return new String[] {created.endpoint(), created.created().get("bootstrapCredential").get("certificateSerial").asString()};
    }

    private static String pendingCredentialPath() {
        String endpoint = freshDevice();
        TestServer.ApiResponse rotated = server.call("POST", "/api/v1/devices/" + endpoint + "/credentials/rotate",
                "{\"target\":\"server\",\"server\":\"" + dm + "\"}");
        assertThat(rotated.status()).as(rotated.toString()).isEqualTo(201);
        Fixtures.Device.rememberSecrets(rotated.json());
        return "/api/v1/devices/" + endpoint + "/credentials/" + rotated.json().get("id").asLong() + "/confirm";
    }

    private static String profileBody(String name) {
        return "{\"name\":\"" + name + "\",\"definition\":{\"servers\":[{\"server\":\"" + dm + "\"}]}}";
    }

    private static String profile() {
        String name = Fixtures.unique("profile");
        TestServer.ApiResponse created = server.call("POST", "/api/v1/profiles", profileBody(name));
        assertThat(created.status()).as(created.toString()).isEqualTo(201);
        return name;
    }

    private static String manufacturerBody(String name) {
        var ca = CaFactory.generate(KeyAlgorithm.EC_P256, "Matrix Factory", "Matrix Devices", Duration.ofDays(30),
                Duration.ofDays(30), null, RANDOM);
        return "{\"name\":\"" + name + "\",\"certificate\":" + TestServer.JSON.writeValueAsString(Pem.certificate(ca.issuing())) + "}";
    }

    private static String manufacturer() {
        String name = Fixtures.unique("acme");
        TestServer.ApiResponse created = server.call("POST", "/api/v1/manufacturer-cas", manufacturerBody(name));
        assertThat(created.status()).as(created.toString()).isEqualTo(201);
        return name;
    }

    private static long freshKeyId() {
        return ApiKeys.create(server, "auditor", null).get("id").asLong();
    }
}
