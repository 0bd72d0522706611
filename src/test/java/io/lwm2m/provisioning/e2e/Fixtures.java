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
        String endpoint = unique("urn:dev:ops:e2e");
        StringBuilder list = new StringBuilder();
        for (String s : servers) {
            list.append(list.isEmpty() ? "" : ",").append('"').append(s).append('"');
        }
        TestServer.ApiResponse response = server.call("POST", "/api/v1/devices", """
                {"endpoint":"%s","servers":[%s],"bootstrapCredential":{"mode":"PSK"}}""".formatted(endpoint, list));
        assertThat(response.status()).as(response.toString()).isEqualTo(201);
        return Device.of(response.json());
    }

    /** A registered device and the secrets its creation returned. */
    record Device(String endpoint, String identity, byte[] key, JsonNode created) {

        static Device of(JsonNode created) {
            JsonNode bootstrap = created.get("bootstrapCredential");
            String keyHex = bootstrap.get("key").asString();
            TestOutput.rememberSecret(keyHex);
            for (JsonNode credential : created.get("serverCredentials")) {
                if (credential.has("key")) {
                    TestOutput.rememberSecret(credential.get("key").asString());
                }
            }
            return new Device(created.get("endpoint").asString(), bootstrap.get("identity").asString(),
                    HexFormat.of().parseHex(keyHex), created);
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
}
