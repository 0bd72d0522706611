package io.lwm2m.provisioning.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HexFormat;
import java.util.concurrent.atomic.AtomicInteger;
import tools.jackson.databind.JsonNode;

/** Servers and devices created through the API, as an operator would. */
final class Fixtures {

    private static final AtomicInteger sequence = new AtomicInteger();

    private Fixtures() {
    }

    static String unique(String prefix) {
        return prefix + "-" + ProcessHandle.current().pid() + "-" + sequence.incrementAndGet();
    }

    /** Creates a DM server (201 expected) and returns its name. */
    static String server(TestServer server, String uri, int shortServerId, int lifetime, String binding, String mode,
            boolean notificationStoring) {
        String name = unique("dm");
        TestServer.ApiResponse response = server.call("POST", "/api/v1/servers", """
                {"name":"%s","uri":"%s","shortServerId":%d,"lifetime":%d,"binding":"%s","securityMode":"%s","notificationStoring":%s}"""
                .formatted(name, uri, shortServerId, lifetime, binding, mode, notificationStoring));
        assertThat(response.status()).as(response.toString()).isEqualTo(201);
        return name;
    }

    /** Registers a device with a generated bootstrap PSK (201 expected); remembers its secrets. */
    static Device device(TestServer server, String... servers) {
        return deviceWith(server, "PSK", servers);
    }

    /** Registers a device whose bootstrap credential of {@code mode} (PSK, RPK, X509) is generated. */
    static Device deviceWith(TestServer server, String mode, String... servers) {
        String endpoint = unique("urn:dev:ops:e2e");
        StringBuilder list = new StringBuilder();
        for (String s : servers) {
            list.append(list.isEmpty() ? "" : ",").append('"').append(s).append('"');
        }
        TestServer.ApiResponse response = server.call("POST", "/api/v1/devices", """
                {"endpoint":"%s","servers":[%s],"bootstrapCredential":{"mode":"%s"}}""".formatted(endpoint, list, mode));
        assertThat(response.status()).as(response.toString()).isEqualTo(201);
        return Device.of(response.json());
    }

    /** Creates a profile (201 expected) from a definition's JSON and returns its name. */
    static String profile(TestServer server, String definitionJson) {
        String name = unique("profile");
        TestServer.ApiResponse response = server.call("POST", "/api/v1/profiles",
                "{\"name\":\"" + name + "\",\"definition\":" + definitionJson + "}");
        assertThat(response.status()).as(response.toString()).isEqualTo(201);
        return name;
    }

    /** Registers a device of {@code profile} with a generated bootstrap PSK (201 expected). */
    static Device deviceOfProfile(TestServer server, String profile) {
        String endpoint = unique("urn:dev:ops:e2e");
        TestServer.ApiResponse response = server.call("POST", "/api/v1/devices", """
                {"endpoint":"%s","profile":"%s","bootstrapCredential":{"mode":"PSK"}}""".formatted(endpoint, profile));
        assertThat(response.status()).as(response.toString()).isEqualTo(201);
        return Device.of(response.json());
    }

    /** The DER of the first PEM block in {@code pem}. */
    static byte[] der(String pem) {
        String body = pem.replaceAll("(?s)^.*?-----BEGIN [A-Z ]+-----", "").replaceAll("(?s)-----END [A-Z ]+-----.*$", "");
        return java.util.Base64.getMimeDecoder().decode(body);
    }

    /** A registered device and the secrets its creation returned. */
    record Device(String endpoint, String identity, byte[] key, JsonNode created) {

        static Device of(JsonNode created) {
            JsonNode bootstrap = created.get("bootstrapCredential");
            rememberSecrets(bootstrap);
            for (JsonNode credential : created.get("serverCredentials")) {
                rememberSecrets(credential);
            }
            return new Device(created.get("endpoint").asString(),
                    bootstrap.has("identity") ? bootstrap.get("identity").asString() : null,
                    bootstrap.has("key") ? HexFormat.of().parseHex(bootstrap.get("key").asString()) : null, created);
        }

        static void rememberSecrets(JsonNode credential) {
            if (credential.has("key")) {
                TestOutput.rememberSecret(credential.get("key").asString());
            }
            if (credential.has("privateKey")) {
                // The base64 body of the PEM, line by line: any line of it must never be printed.
                credential.get("privateKey").asString().lines().filter(l -> !l.startsWith("-----"))
                        .forEach(TestOutput::rememberSecret);
            }
        }

        JsonNode serverCredential(String server) {
            for (JsonNode credential : created.get("serverCredentials")) {
                if (credential.get("server").asString().equals(server)) {
                    return credential;
                }
            }
            throw new AssertionError("no credential for " + server + " in " + created);
        }
    }

    /** A device's bootstrap credential, rotated through the API: the new PENDING one's id and secrets (remembered as secrets). */
    record Rotated(long id, String identity, byte[] key) {
    }

    static Rotated rotateBootstrap(TestServer server, String endpoint) {
        TestServer.ApiResponse rotated = server.call("POST", "/api/v1/devices/" + endpoint + "/credentials/rotate",
                "{\"target\":\"bootstrap\"}");
        assertThat(rotated.status()).as(rotated.toString()).isEqualTo(201);
        JsonNode fresh = rotated.json();
        TestOutput.rememberSecret(fresh.get("key").asString());
        assertThat(fresh.get("status").asString()).isEqualTo("PENDING");
        return new Rotated(fresh.get("id").asLong(), fresh.get("identity").asString(),
                HexFormat.of().parseHex(fresh.get("key").asString()));
    }

    /** A real DTLS handshake with this PSK gets no answer to its Bootstrap-Request. */
    static void assertHandshakeFails(TestServer server, String identity, byte[] key, String endpoint) throws Exception {
        try (RawCoapsDevice raw = RawCoapsDevice.psk(identity, key, RawCoapsDevice.silent())) {
            assertThat(raw.bootstrapRequest(server.coaps(), true, "ep=" + endpoint)).isNull();
        }
    }
}
