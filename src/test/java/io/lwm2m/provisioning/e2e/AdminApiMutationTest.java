package io.lwm2m.provisioning.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Hostile input against every admin endpoint of the whole server, over real HTTP on loopback:
 * bad bytes in bodies, paths and query strings, wrong shapes, nulls, overlong values, wildcard
 * and bogus content types. Nothing may answer 5xx, and every error must be problem+json (never
 * Tomcat's HTML page or Spring Boot's default error JSON). Issue 15, item 4.
 */
class AdminApiMutationTest {

    private static TestServer server;
    private static String dm;
    private static String profile;
    private static String endpoint;
    private static long credentialId;
    private static String serial;
    private static String importId;

    /** Replacements for one path variable. */
    private static final List<String> PATH_VALUES = List.of("a%00b", "..", ".", "%2e%2e", "%2E", "a%2Fb", "a%2fb", "a%5Cb", "a\\b",
            "a%zz", "a%", "a%C3", "a%C3%28", "%FF%FE", "%E2%80%AE", "a%E2%80%8Fb", "a;b", "a%3Bb", "a%25b", "a%0Ab", "a%0D",
            "a%09b", "a%7F", "a%C2%85", "a|b", "a{b}", "a%22b", "a%3Cscript%3E", "x".repeat(300), "x".repeat(5000), "-1", "0",
            "99999999999999999999", "%ED%A0%80", "%C0%AF", "a%2e%2e");
    /** Replacements for one query value. */
    private static final List<String> QUERY_VALUES = List.of("%00", "a%00b", "%zz", "%", "%C3%28", "%FF", "%E2%80%AE", "%0A",
            "%ED%A0%80", "x".repeat(2000), "x".repeat(300), "", "-1", "0", "99999999999999999999", "%27%20OR%201%3D1--", "a%2Fb",
            "device.%2A", "%2A", "2026-13-45T99:99:99Z");
    /** Replacements for one JSON string. */
    private static final List<String> STRING_VALUES = List.of("\"a\\u0000b\"", "\"\\u0000\"", "\"\\u0001x\"", "\"x\\u007f\"",
            "\"\\u0085\"", "\"\\u202e\"", "\"a\\u2066b\"", "\"\\ud800\"", "\"\\udc00x\"", "\"a\\nb\"", "\"\"", "\" \"",
            "\"" + "x".repeat(256) + "\"", "\"" + "x".repeat(5000) + "\"", "\"..\"", "\"a/b\"", "\"%00\"", "null", "1", "[]", "{}",
            "true", "\"\\ud83d\\ude00\"");
    /** Replacements for one JSON number or boolean. */
    private static final List<String> SCALAR_VALUES = List.of("-1", "0", "2147483648", "-2147483649", "1e400", "1.5", "\"1\"",
            "\"x\"", "null", "[]", "{}", "true", "99999999999999999999999");
    private static final List<String> CONTENT_TYPES = List.of("*/*", "application/*", "*/json", "text/plain", "bogus", "",
            "application/json; charset=iso-8859-1", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x",
            "application/json, text/plain");

    @BeforeAll
    static void fixtures() {
        server = TestServer.shared();
        dm = Fixtures.server(server, "coaps://dm.example:5684", 141, 300, "U", "PSK", true);
        profile = Fixtures.unique("mutation");
        TestServer.ApiResponse created = server.call("POST", "/api/v1/profiles", profileBody(profile));
        assertThat(created.status()).as(created.toString()).isEqualTo(201);
        Fixtures.Device device = Fixtures.deviceWith(server, "X509", dm);
        endpoint = device.endpoint();
        credentialId = device.created().get("serverCredentials").get(0).get("id").asLong();
        serial = server.call("GET", "/api/v1/certificates?endpoint=" + endpoint, null).json().get(0).get("serial").asString();
        importId = Imports.upload(server, "text/csv", ("endpoint,profile,mode\n" + Fixtures.unique("urn:dev:mut") + "," + profile
                + ",psk\n").getBytes(StandardCharsets.UTF_8), "").json().get("id").asString();
    }

    private static String profileBody(String name) {
        return """
                {"name":"%s","description":"mutation fixture","definition":{"servers":[{"server":"%s","lifetime":600}],
                 "accessControl":[{"objectId":3,"instanceId":0,"acl":{"141":7},"owner":141}],"deletePaths":["/0","/1"],
                 "allowNoSec":false,"est":{}}}""".formatted(name, dm);
    }

    @Test
    void aWildcardContentTypeOnAJsonBodyIs415() {
        for (String type : List.of("*/*", "application/*")) {
            RawHttp.Answer answer = send("POST", "/api/v1/profiles", profileBody(Fixtures.unique("p")), type);
            assertThat(answer.status()).as(answer.toString()).isEqualTo(415);
            assertThat(answer.isProblem()).as(answer.toString()).isTrue();
        }
    }

    @Test
    void aNulInATextFieldIs400NamingTheField() {
        assertNamed(send("POST", "/api/v1/profiles", """
                {"name":"%s","description":"a\\u0000b","definition":{"servers":[{"server":"%s"}]}}"""
                .formatted(Fixtures.unique("p"), dm), "application/json"), "description");
        assertNamed(send("POST", "/api/v1/devices", """
                {"endpoint":"%s","profile":"a\\u0000b","bootstrapCredential":{"mode":"PSK"}}"""
                .formatted(Fixtures.unique("urn:dev:nul")), "application/json"), "profile");
        assertNamed(send("POST", "/api/v1/devices/" + endpoint + "/disable", "{\"reason\":\"stolen\\u0000\"}", "application/json"),
                "reason");
        assertNamed(send("GET", "/api/v1/audit?actor=%00", null, null), "actor");
        assertNamed(send("GET", "/api/v1/certificates?endpoint=%00", null, null), "endpoint");
        assertNamed(send("GET", "/api/v1/audit?target=%C3%28", null, null), "target");
    }

    @Test
    void aProfileDescriptionLongerThanItsColumnIs400() {
        assertNamed(send("POST", "/api/v1/profiles", """
                {"name":"%s","description":"%s","definition":{"servers":[{"server":"%s"}]}}"""
                .formatted(Fixtures.unique("p"), "d".repeat(256), dm), "application/json"), "description");
        TestServer.ApiResponse fits = server.call("POST", "/api/v1/profiles", """
                {"name":"%s","description":"%s","definition":{"servers":[{"server":"%s"}]}}"""
                .formatted(Fixtures.unique("p"), "d".repeat(255), dm));
        assertThat(fits.status()).as(fits.toString()).isEqualTo(201);
    }

    @Test
    void nullEntriesInAProfileAre400NamingTheEntry() {
        assertNamed(send("POST", "/api/v1/profiles", """
                {"name":"%s","definition":{"servers":[{"server":"%s"},null]}}""".formatted(Fixtures.unique("p"), dm),
                "application/json"), "definition.servers[1]");
        assertNamed(send("POST", "/api/v1/profiles", """
                {"name":"%s","definition":{"servers":[{"server":"%s"}],"accessControl":[null]}}"""
                .formatted(Fixtures.unique("p"), dm), "application/json"), "definition.accessControl[0]");
        assertNamed(send("POST", "/api/v1/devices", """
                {"endpoint":"%s","profile":"%s","overrides":{"servers":[null]},"bootstrapCredential":{"mode":"PSK"}}"""
                .formatted(Fixtures.unique("urn:dev:nul"), profile), "application/json"), "overrides.servers[0]");
    }

    /** Tomcat's own refusals and Spring Security's firewall answer problem+json too. */
    @ParameterizedTest
    @ValueSource(strings = {"/api/v1/devices/a%00b", "/api/v1/devices/..", "/api/v1/devices/%2e%2e", "/api/v1/devices/a%2Fb",
            "/api/v1/devices/a%5Cb", "/api/v1/devices/a%zz", "/api/v1/devices/a%C3", "/api/v1/devices/a\\b",
            "/api/v1/devices/a;b", "/api/v1/devices/a%25b", "/api/v1/devices/a|b", "/api/v1/../api/v1/devices",
            "/api/v1//devices", "/nothing/a%00b", "/api/v1/devices/%E2%80%AE"})
    void aMalformedPathIs400ProblemJson(String path) {
        RawHttp.Answer answer = send("GET", path, null, null);
        assertThat(answer.status()).as(answer.toString()).isEqualTo(400);
        assertProblem(answer);
    }

    /** Every endpoint, each path variable, query parameter, JSON value and content type mutated in turn. */
    @Test
    void noMutatedCallAnswers5xxOrAnythingButProblemJson() {
        List<String> failures = new ArrayList<>();
        int calls = 0;
        for (Endpoint e : endpoints()) {
            for (String path : pathMutations(e.path())) {
                calls += check(failures, e.method(), path, e.body(), e.body() == null ? null : e.contentType());
            }
            for (String path : queryMutations(e.path(), e.query())) {
                calls += check(failures, e.method(), path, e.body(), e.body() == null ? null : e.contentType());
            }
            if (e.body() != null && e.contentType().equals("application/json")) {
                for (String body : bodyMutations(e.body())) {
                    calls += check(failures, e.method(), e.path(), body, "application/json");
                }
                for (String type : CONTENT_TYPES) {
                    calls += check(failures, e.method(), e.path(), e.body(), type);
                }
            }
        }
        calls += rawBodies(failures);
        assertThat(failures).as("of " + calls + " mutated calls").isEmpty();
        assertThat(calls).isGreaterThan(2000);
    }

    private record Endpoint(String method, String path, List<String> query, String body, String contentType) {

        static Endpoint get(String path, String... query) {
            return new Endpoint("GET", path, List.of(query), null, null);
        }

        static Endpoint json(String method, String path, String body) {
            return new Endpoint(method, path, List.of(), body, "application/json");
        }
    }

    private static List<Endpoint> endpoints() {
        String ep = "/api/v1/devices/" + endpoint;
        String page = "limit";
        return List.of(
                Endpoint.get("/api/v1/servers", page, "cursor"),
                Endpoint.get("/api/v1/servers/" + dm),
                Endpoint.get("/api/v1/servers/" + dm + "/credentials-export", "format"),
                Endpoint.json("POST", "/api/v1/servers", """
                        {"name":"mut-srv","uri":"coaps://dm.example:5684","shortServerId":200,"lifetime":300,"binding":"U",
                         "securityMode":"PSK","notificationStoring":true,"rotationWebhookUrl":"https://dm.example/hook"}"""),
                Endpoint.get("/api/v1/profiles", page, "cursor"),
                Endpoint.get("/api/v1/profiles/" + profile),
                Endpoint.json("POST", "/api/v1/profiles", profileBody("mut-profile")),
                Endpoint.json("PUT", "/api/v1/profiles/" + profile, profileBody(profile)),
                new Endpoint("DELETE", "/api/v1/profiles/no-such-profile", List.of(), null, null),
                Endpoint.get("/api/v1/devices", "state", page, "cursor"),
                Endpoint.get(ep),
                Endpoint.get(ep + "/bootstrap-config"),
                Endpoint.get(ep + "/sessions", page, "cursor"),
                Endpoint.json("POST", "/api/v1/devices", """
                        {"endpoint":"urn:dev:mut","profile":"%s","overrides":{"servers":[{"server":"%s","lifetime":900}]},
                         "bootstrapCredential":{"mode":"PSK","identity":"mut-identity","key":"00112233445566778899aabbccddeeff"}}"""
                        .formatted(profile, dm)),
                Endpoint.json("POST", "/api/v1/devices", """
                        {"endpoint":"urn:dev:mut2","servers":["%s"],"bootstrapCredential":{"mode":"RPK","factory":false}}""".formatted(dm)),
                Endpoint.json("POST", ep + "/disable", "{\"reason\":\"lost in transit\"}"),
                new Endpoint("POST", ep + "/enable", List.of(), null, null),
                new Endpoint("DELETE", "/api/v1/devices/urn:dev:no-such-device", List.of(), null, null),
                Endpoint.json("POST", ep + "/credentials/rotate", "{\"target\":\"server\",\"server\":\"" + dm + "\"}"),
                new Endpoint("POST", ep + "/credentials/" + credentialId + "/confirm", List.of(), null, null),
                Endpoint.json("POST", ep + "/credentials/revoke", "{\"target\":\"bootstrap\",\"reason\":\"keyCompromise\"}"),
                Endpoint.get("/api/v1/certificates", "endpoint", page, "cursor"),
                Endpoint.get("/api/v1/certificates/" + serial),
                Endpoint.json("POST", "/api/v1/certificates/" + serial + "/revoke", "{\"reason\":\"superseded\"}"),
                Endpoint.get("/api/v1/ca/certificates"),
                Endpoint.get("/api/v1/ca/crl"),
                Endpoint.get("/api/v1/bootstrap-server"),
                Endpoint.get("/api/v1/manufacturer-cas", page, "cursor"),
                Endpoint.json("POST", "/api/v1/manufacturer-cas",
                        "{\"name\":\"mut-ca\",\"certificate\":\"-----BEGIN CERTIFICATE-----\\nMIIB\\n-----END CERTIFICATE-----\\n\"}"),
                new Endpoint("DELETE", "/api/v1/manufacturer-cas/no-such-ca", List.of(), null, null),
                Endpoint.get("/api/v1/api-keys", page, "cursor"),
                Endpoint.get("/api/v1/api-keys/1"),
                Endpoint.json("POST", "/api/v1/api-keys", "{\"name\":\"mut-key\",\"role\":\"auditor\",\"expiresAt\":\"2030-01-01T00:00:00Z\"}"),
                new Endpoint("DELETE", "/api/v1/api-keys/999999", List.of(), null, null),
                Endpoint.get("/api/v1/audit", "actor", "action", "target", "outcome", "from", "to", page, "cursor"),
                Endpoint.get("/api/v1/audit/verify"),
                Endpoint.get("/api/v1/secrets/kek"),
                Endpoint.get("/api/v1/est/enrollments", page),
                new Endpoint("POST", "/api/v1/est/enrollments/999999/approve", List.of(), null, null),
                new Endpoint("POST", "/api/v1/est/enrollments/999999/reject", List.of(), null, null),
                Endpoint.get("/api/v1/imports/" + importId),
                Endpoint.get("/api/v1/imports/" + importId + "/rows", "after", "outcome", page),
                Endpoint.get("/api/v1/imports/" + importId + "/secrets"),
                new Endpoint("POST", "/api/v1/imports/" + importId + "/secrets/acknowledge", List.of(), null, null),
                new Endpoint("POST", "/api/v1/imports", List.of("dryRun"), "endpoint,profile,mode\nurn:dev:mut-imp," + profile
                        + ",psk\n", "text/csv"),
                Endpoint.json("POST", "/api/v1/fleet-actions", """
                        {"action":"rotate","selector":{"profile":"%s"},"target":"servers","reason":1,"dryRun":true}""".formatted(profile)),
                Endpoint.get("/api/v1/fleet-actions/00000000-0000-0000-0000-000000000000"));
    }

    /** The path with each of its segments after {@code /api/v1/<resource>} replaced in turn. */
    private static List<String> pathMutations(String path) {
        List<String> paths = new ArrayList<>();
        String[] segments = path.split("/");
        for (int i = 4; i < segments.length; i++) {
            for (String value : PATH_VALUES) {
                String[] mutated = segments.clone();
                mutated[i] = value;
                paths.add(String.join("/", mutated));
            }
        }
        return paths;
    }

    private static List<String> queryMutations(String path, List<String> parameters) {
        List<String> paths = new ArrayList<>();
        for (String parameter : parameters) {
            for (String value : QUERY_VALUES) {
                paths.add(path + "?" + parameter + "=" + value);
            }
            paths.add(path + "?" + parameter + "=1&" + parameter + "=2");
        }
        paths.add(path + "?%00=1");
        paths.add(path + "?%zz");
        paths.add(path + "?" + "a".repeat(100) + "=1");
        return paths;
    }

    /** Every JSON value of {@code body} replaced in turn, every field removed, every array given a null, and broken wholes. */
    private static List<String> bodyMutations(String body) {
        JsonNode root = TestServer.JSON.readTree(body);
        List<String> bodies = new ArrayList<>();
        mutate(root, root, bodies);
        bodies.addAll(List.of("null", "[]", "{}", "{", "\"x\"", "1", "", "{\"a\":1}", body + "x", body.replaceFirst("\\{", "[")));
        return bodies;
    }

    private static void mutate(JsonNode root, JsonNode node, List<String> out) {
        if (node instanceof ObjectNode object) {
            for (String name : new ArrayList<>(object.propertyNames())) {
                JsonNode value = object.get(name);
                for (String replacement : replacementsFor(value)) {
                    out.add(withReplaced(root, object, name, replacement));
                }
                object.remove(name);
                out.add(root.toString());
                object.set(name, value);
                mutate(root, value, out);
            }
        } else if (node instanceof ArrayNode array) {
            array.addNull();
            out.add(root.toString());
            array.remove(array.size() - 1);
            array.insertNull(0);
            out.add(root.toString());
            array.remove(0);
            for (int i = 0; i < array.size(); i++) {
                JsonNode value = array.get(i);
                for (String replacement : replacementsFor(value)) {
                    array.set(i, TestServer.JSON.readTree("[" + replacement + "]").get(0));
                    out.add(root.toString());
                }
                array.set(i, value);
                mutate(root, value, out);
            }
        }
    }

    private static List<String> replacementsFor(JsonNode value) {
        if (value.isString()) {
            return STRING_VALUES;
        }
        if (value.isNumber() || value.isBoolean()) {
            return SCALAR_VALUES;
        }
        return List.of("null", "\"x\"", "1", value.isArray() ? "{}" : "[]", value.isArray() ? "[[]]" : "{\"\":null}");
    }

    private static String withReplaced(JsonNode root, ObjectNode object, String name, String replacement) {
        JsonNode before = object.get(name);
        object.set(name, TestServer.JSON.readTree("[" + replacement + "]").get(0));
        String mutated = root.toString();
        object.set(name, before);
        return mutated;
    }

    /** Bodies that are not even JSON text: bytes that are not UTF-8, a raw NUL, a BOM, nesting past any sane depth. */
    private static int rawBodies(List<String> failures) {
        Map<String, byte[]> bodies = new LinkedHashMap<>();
        bodies.put("invalid UTF-8", new byte[] {'{', '"', 'n', 'a', 'm', 'e', '"', ':', '"', (byte) 0xc3, '(', '"', '}'});
        bodies.put("raw NUL", "{\"name\":\"a\0b\"}".getBytes(StandardCharsets.UTF_8));
        bodies.put("BOM", ("\ufeff" + profileBody(Fixtures.unique("bom"))).getBytes(StandardCharsets.UTF_8));
        bodies.put("deep", ("[".repeat(100_000) + "]".repeat(100_000)).getBytes(StandardCharsets.UTF_8));
        bodies.put("lone surrogate bytes", new byte[] {'{', '"', 'n', 'a', 'm', 'e', '"', ':', '"', (byte) 0xed, (byte) 0xa0,
                (byte) 0x80, '"', '}'});
        int calls = 0;
        for (Map.Entry<String, byte[]> body : bodies.entrySet()) {
            for (String path : List.of("/api/v1/profiles", "/api/v1/devices", "/api/v1/servers", "/api/v1/api-keys")) {
                RawHttp.Answer answer = RawHttp.send(server.baseUrl(), "POST", path, body.getValue(), "Authorization",
                        "Bearer " + server.adminKey(), "Content-Type", "application/json");
                calls++;
                record(failures, "POST " + path + " (" + body.getKey() + ")", answer);
            }
        }
        return calls;
    }

    private static int check(List<String> failures, String method, String path, String body, String contentType) {
        RawHttp.Answer answer = send(method, path, body, contentType);
        record(failures, method + " " + abbreviate(path) + (body == null ? "" : " " + abbreviate(body)) + " [" + contentType + "]",
                answer);
        return 1;
    }

    private static void record(List<String> failures, String call, RawHttp.Answer answer) {
        if (answer.status() >= 500 || answer.status() < 100) {
            failures.add(call + " -> " + answer);
        } else if (answer.status() >= 400) {
            String problem = problemFault(answer);
            if (problem != null) {
                failures.add(call + " -> " + problem + ": " + answer);
            }
        }
    }

    /** Null if the answer is a problem document for its own status, else what is wrong with it. */
    private static String problemFault(RawHttp.Answer answer) {
        if (!answer.isProblem()) {
            return "not problem+json";
        }
        try {
            JsonNode problem = TestServer.JSON.readTree(answer.body());
            if (problem.path("status").asInt() != answer.status() || !problem.has("title") || !problem.has("detail")) {
                return "a problem document without its status, title or detail";
            }
            return null;
        } catch (RuntimeException e) {
            return "problem+json that is not JSON";
        }
    }

    private static RawHttp.Answer send(String method, String path, String body, String contentType) {
        List<String> headers = new ArrayList<>(List.of("Authorization", "Bearer " + server.adminKey()));
        if (contentType != null && !contentType.isEmpty()) {
            headers.addAll(List.of("Content-Type", contentType));
        }
        return RawHttp.send(server.baseUrl(), method, path, body == null ? null : body.getBytes(StandardCharsets.UTF_8),
                headers.toArray(String[]::new));
    }

    private static void assertProblem(RawHttp.Answer answer) {
        assertThat(problemFault(answer)).as(answer.toString()).isNull();
    }

    private static void assertNamed(RawHttp.Answer answer, String field) {
        assertThat(answer.status()).as(answer.toString()).isEqualTo(400);
        assertProblem(answer);
        JsonNode problem = TestServer.JSON.readTree(answer.body());
        assertThat(problem.path("errors").valueStream().map(e -> e.path("field").asString()).toList()).as(answer.toString())
                .contains(field);
    }

    private static String abbreviate(String text) {
        return text.length() > 160 ? text.substring(0, 160) + "…(" + text.length() + ")" : text;
    }
}
