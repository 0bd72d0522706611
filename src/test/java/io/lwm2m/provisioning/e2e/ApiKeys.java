package io.lwm2m.provisioning.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import tools.jackson.databind.JsonNode;

/** API keys of each role, minted through the API by the admin key as an operator of the server would. */
final class ApiKeys {

    static final String[] ROLES = {"admin", "security-officer", "operator", "auditor"};

    private ApiKeys() {
    }

    /** Creates a key of {@code role} (201 expected), remembers it as a secret and returns the creating response. */
    static JsonNode create(TestServer server, String role, String expiresAt) {
        String body = expiresAt == null ? "{\"name\":\"%s\",\"role\":\"%s\"}".formatted(Fixtures.unique(role), role)
                : "{\"name\":\"%s\",\"role\":\"%s\",\"expiresAt\":\"%s\"}".formatted(Fixtures.unique(role), role, expiresAt);
        TestServer.ApiResponse created = server.call("POST", "/api/v1/api-keys", body);
        assertThat(created.status()).as(created.toString()).isEqualTo(201);
        TestOutput.rememberSecret(created.json().get("key").asString());
        return created.json();
    }

    /** A new key of {@code role}, as its {@code Authorization} header value. */
    static String bearer(TestServer server, String role) {
        return "Bearer " + create(server, role, null).get("key").asString();
    }
}
