package io.lwm2m.provisioning.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import tools.jackson.databind.JsonNode;

/** The admin API over real HTTP: authentication, validation, conflicts, and secrets shown once. */
class AdminApiTest {

    private static TestServer server;
    private static String pskServer;

    @BeforeAll
    static void start() {
        server = TestServer.shared();
        pskServer = Fixtures.server(server, "coaps://dm.example:5684", 101, 300, "U", "PSK", true);
    }

    @Test
    void theInitialAdminKeyIsReadableByItsOwnerOnly() throws Exception {
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(server.dataDir().resolve("initial-admin-key"))))
                .isEqualTo("rw-------");
        assertThat(server.adminKey()).startsWith("bsk_").hasSizeGreaterThan(40);
    }

    @ParameterizedTest(name = "Authorization: {0}")
    @CsvSource(nullValues = "none", value = {"none", "Bearer bsk_wrong", "Bearer ", "Basic YWRtaW46YWRtaW4=", "bsk_no_scheme"})
    void requestsWithoutAValidKeyGet401AsProblemJson(String authorization) {
        TestServer.ApiResponse response = server.call("GET", "/api/v1/servers", null, authorization);
        assertThat(response.status()).isEqualTo(401);
        assertThat(response.contentType()).startsWith("application/problem+json");
        assertThat(response.json().get("status").asInt()).isEqualTo(401);
        assertThat(response.json().get("title").asString()).isEqualTo("Authentication required");
    }

    @Test
    void writesWithoutAKeyChangeNothing() {
        String name = Fixtures.unique("dm");
        TestServer.ApiResponse response = server.call("POST", "/api/v1/servers", """
                {"name":"%s","uri":"coaps://x.example","shortServerId":1,"lifetime":60,"binding":"U","securityMode":"PSK"}"""
                .formatted(name), null);
        assertThat(response.status()).isEqualTo(401);
        assertThat(server.call("GET", "/api/v1/servers/" + name, null).status()).isEqualTo(404);
    }

    @Test
    void createsAServerAndRefusesItsNameTwice() {
        String name = Fixtures.unique("dm");
        String body = """
                {"name":"%s","uri":"coaps://dm.example:5684","shortServerId":101,"lifetime":300,"binding":"U","securityMode":"PSK"}"""
                .formatted(name);
        TestServer.ApiResponse created = server.call("POST", "/api/v1/servers", body);
        assertThat(created.status()).isEqualTo(201);
        JsonNode json = created.json();
        assertThat(json.get("name").asString()).isEqualTo(name);
        assertThat(json.get("uri").asString()).isEqualTo("coaps://dm.example:5684");
        assertThat(json.get("shortServerId").asInt()).isEqualTo(101);
        assertThat(json.get("lifetime").asInt()).isEqualTo(300);
        assertThat(json.get("binding").asString()).isEqualTo("U");
        assertThat(json.get("securityMode").asString()).isEqualTo("PSK");
        assertThat(json.get("notificationStoring").asBoolean()).isTrue();

        TestServer.ApiResponse again = server.call("POST", "/api/v1/servers", body);
        assertThat(again.status()).isEqualTo(409);
        assertThat(again.contentType()).startsWith("application/problem+json");
        assertThat(again.json().get("errors").get(0).get("field").asString()).isEqualTo("name");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "uri         | \"uri\":\"http://dm.example\",\"shortServerId\":1,\"lifetime\":60,\"binding\":\"U\",\"securityMode\":\"PSK\"",
            "uri         | \"uri\":\"coap://dm.example\",\"shortServerId\":1,\"lifetime\":60,\"binding\":\"U\",\"securityMode\":\"PSK\"",
            "uri         | \"uri\":\"coaps://\",\"shortServerId\":1,\"lifetime\":60,\"binding\":\"U\",\"securityMode\":\"PSK\"",
            "uri         | \"uri\":\"not a uri\",\"shortServerId\":1,\"lifetime\":60,\"binding\":\"U\",\"securityMode\":\"PSK\"",
            "shortServerId | \"uri\":\"coaps://dm.example\",\"shortServerId\":0,\"lifetime\":60,\"binding\":\"U\",\"securityMode\":\"PSK\"",
            "shortServerId | \"uri\":\"coaps://dm.example\",\"shortServerId\":65535,\"lifetime\":60,\"binding\":\"U\",\"securityMode\":\"PSK\"",
            "shortServerId | \"uri\":\"coaps://dm.example\",\"shortServerId\":\"abc\",\"lifetime\":60,\"binding\":\"U\",\"securityMode\":\"PSK\"",
            "securityMode | \"uri\":\"coaps://dm.example\",\"shortServerId\":1,\"lifetime\":60,\"binding\":\"U\",\"securityMode\":\"TLS\"",
            "lifetime    | \"uri\":\"coaps://dm.example\",\"shortServerId\":1,\"binding\":\"U\",\"securityMode\":\"PSK\"",
            "lifetime    | \"uri\":\"coaps://dm.example\",\"shortServerId\":1,\"lifetime\":0,\"binding\":\"U\",\"securityMode\":\"PSK\"",
            "binding     | \"uri\":\"coaps://dm.example\",\"shortServerId\":1,\"lifetime\":60,\"binding\":\"X\",\"securityMode\":\"PSK\"",
            "surprise    | \"uri\":\"coaps://dm.example\",\"shortServerId\":1,\"lifetime\":60,\"binding\":\"U\",\"securityMode\":\"PSK\",\"surprise\":1",
    })
    void aBadServerDefinitionGets400NamingTheField(String field, String fields) {
        String name = Fixtures.unique("dm");
        TestServer.ApiResponse response = server.call("POST", "/api/v1/servers", "{\"name\":\"" + name + "\"," + fields + "}");
        assertThat(response.status()).as(response.toString()).isEqualTo(400);
        assertThat(response.contentType()).startsWith("application/problem+json");
        assertThat(response.json().get("errors").get(0).get("field").asString()).isEqualTo(field);
        assertThat(server.call("GET", "/api/v1/servers/" + name, null).status()).isEqualTo(404);
    }

    @Test
    void missingFieldsAreAllNamed() {
        TestServer.ApiResponse response = server.call("POST", "/api/v1/servers", "{}");
        assertThat(response.status()).isEqualTo(400);
        assertThat(response.json().get("errors").valueStream().map(e -> e.get("field").asString()).toList())
                .containsExactlyInAnyOrder("name", "uri", "shortServerId", "lifetime", "binding", "securityMode");
    }

    @Test
    void malformedJsonGets400() {
        TestServer.ApiResponse response = server.call("POST", "/api/v1/servers", "{\"name\": \"dm\", ");
        assertThat(response.status()).isEqualTo(400);
        assertThat(response.contentType()).startsWith("application/problem+json");
        assertThat(response.json().get("title").asString()).isEqualTo("Malformed request");
    }

    @Test
    void aDeviceGetsGeneratedPsksReturnedOnceAndNeverByGet() {
        Fixtures.Device device = Fixtures.device(server, pskServer);
        JsonNode created = device.created();
        assertThat(created.get("bootstrapCredential").get("mode").asString()).isEqualTo("PSK");
        assertThat(device.key()).hasSizeGreaterThanOrEqualTo(16);
        JsonNode dm = device.serverCredential(pskServer);
        assertThat(dm.get("mode").asString()).isEqualTo("PSK");
        assertThat(dm.get("key").asString()).hasSizeGreaterThanOrEqualTo(32);
        assertThat(dm.get("identity").asString()).isNotEqualTo(device.identity());

        TestServer.ApiResponse read = server.call("GET", "/api/v1/devices/" + device.endpoint(), null);
        assertThat(read.status()).isEqualTo(200);
        assertThat(read.body()).doesNotContain(created.get("bootstrapCredential").get("key").asString())
                .doesNotContain(dm.get("key").asString())
                .doesNotContain("\"key\"");
        assertThat(read.json().get("bootstrapCredential").get("identity").asString()).isEqualTo(device.identity());
        assertThat(read.json().get("serverCredentials").get(0).get("identity").asString()).isEqualTo(dm.get("identity").asString());
        assertThat(read.json().get("servers").get(0).asString()).isEqualTo(pskServer);
    }

    @Test
    void aSuppliedPskIsUsedAndItsIdentityCannotBeTakenTwice() {
        String identity = Fixtures.unique("factory-id");
        String key = "00112233445566778899aabbccddeeff";
        TestOutput.rememberSecret(key);
        TestServer.ApiResponse created = server.call("POST", "/api/v1/devices", """
                {"endpoint":"%s","servers":["%s"],"bootstrapCredential":{"mode":"PSK","identity":"%s","key":"%s"}}"""
                .formatted(Fixtures.unique("urn:dev:ops"), pskServer, identity, key));
        assertThat(created.status()).as(created.toString()).isEqualTo(201);
        assertThat(created.json().get("bootstrapCredential").get("identity").asString()).isEqualTo(identity);
        assertThat(created.json().get("bootstrapCredential").get("key").asString()).isEqualTo(key);

        TestServer.ApiResponse clash = server.call("POST", "/api/v1/devices", """
                {"endpoint":"%s","servers":["%s"],"bootstrapCredential":{"mode":"PSK","identity":"%s","key":"%s"}}"""
                .formatted(Fixtures.unique("urn:dev:ops"), pskServer, identity, key));
        assertThat(clash.status()).isEqualTo(409);
        assertThat(clash.json().get("errors").get(0).get("field").asString()).isEqualTo("bootstrapCredential.identity");
    }

    @Test
    void aDuplicateEndpointGets409() {
        Fixtures.Device device = Fixtures.device(server, pskServer);
        TestServer.ApiResponse again = server.call("POST", "/api/v1/devices", """
                {"endpoint":"%s","servers":["%s"],"bootstrapCredential":{"mode":"PSK"}}""".formatted(device.endpoint(), pskServer));
        assertThat(again.status()).isEqualTo(409);
        assertThat(again.json().get("errors").get(0).get("field").asString()).isEqualTo("endpoint");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "servers[0]                   | \"servers\":[\"no-such-server\"],\"bootstrapCredential\":{\"mode\":\"PSK\"}",
            "servers                      | \"servers\":[],\"bootstrapCredential\":{\"mode\":\"PSK\"}",
            "bootstrapCredential          | \"servers\":[\"SERVER\"]",
            "bootstrapCredential.mode     | \"servers\":[\"SERVER\"],\"bootstrapCredential\":{\"mode\":\"PSX\"}",
            "bootstrapCredential.key      | \"servers\":[\"SERVER\"],\"bootstrapCredential\":{\"mode\":\"PSK\",\"identity\":\"id-x\",\"key\":\"zz11secretzz\"}",
            "bootstrapCredential.key      | \"servers\":[\"SERVER\"],\"bootstrapCredential\":{\"mode\":\"PSK\",\"identity\":\"id-x\",\"key\":\"0011\"}",
            "bootstrapCredential.key      | \"servers\":[\"SERVER\"],\"bootstrapCredential\":{\"mode\":\"PSK\",\"identity\":\"id-x\"}",
    })
    void aBadDeviceGets400NamingTheFieldAndCreatesNothing(String field, String fields) {
        String endpoint = Fixtures.unique("urn:dev:ops");
        TestServer.ApiResponse response = server.call("POST", "/api/v1/devices",
                "{\"endpoint\":\"" + endpoint + "\"," + fields.replace("SERVER", pskServer) + "}");
        assertThat(response.status()).as(response.toString()).isEqualTo(400);
        assertThat(response.json().get("errors").get(0).get("field").asString()).isEqualTo(field);
        assertThat(response.body()).doesNotContain("zz11secretzz");
        assertThat(server.call("GET", "/api/v1/devices/" + endpoint, null).status()).isEqualTo(404);
    }

    @Test
    void anUnknownDeviceIs404() {
        assertThat(server.call("GET", "/api/v1/devices/urn:dev:ops:unknown", null).status()).isEqualTo(404);
        assertThat(server.call("GET", "/api/v1/devices/urn:dev:ops:unknown/sessions", null).status()).isEqualTo(404);
    }

    @Test
    void responsesCarryARequestId() {
        TestServer.ApiResponse response = server.call("GET", "/api/v1/devices/urn:dev:ops:unknown", null);
        assertThat(response.json().get("requestId").asString()).isNotBlank();
    }
}
