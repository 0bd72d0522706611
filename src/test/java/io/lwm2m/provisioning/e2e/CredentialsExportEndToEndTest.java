package io.lwm2m.provisioning.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.eclipse.leshan.server.security.InMemorySecurityStore;
import org.eclipse.leshan.server.security.SecurityInfo;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.JdbcTemplate;
import tools.jackson.databind.JsonNode;

/** The DM-server credential export: what a DM server needs to accept imported devices, loadable into Leshan's server. */
class CredentialsExportEndToEndTest {

    @Test
    void aDmServerGetsTheIdentitiesAndKeysOfItsDevicesInLeshansShape() throws Exception {
        TestServer server = TestServer.shared();
        String dm = Fixtures.server(server, "coaps://dm.example:5684", 621, 300, "U", "PSK", true);
        String other = Fixtures.server(server, "coaps://other.example:5684", 622, 300, "U", "PSK", true);
        String profile = Imports.profile(server, dm);
        String prefix = Fixtures.unique("urn:dev:exp");
        StringBuilder csv = new StringBuilder("endpoint,profile,mode\n");
        for (int i = 0; i < 20; i++) {
            csv.append(prefix).append('-').append(i).append(',').append(profile).append(",psk\n");
        }
        String id = Imports.upload(server, "text/csv", csv.toString().getBytes(StandardCharsets.UTF_8), "").json().get("id").asString();
        assertThat(Imports.await(server, id, Duration.ofSeconds(30)).get("rows").get("created").asLong()).isEqualTo(20);
        Map<String, String[]> issued = new HashMap<>();
        for (String[] row : Imports.secrets(server.upload("GET", "/api/v1/imports/" + id + "/secrets", null, null))) {
            TestOutput.rememberSecret(row[5]);
            if (row[2].equals(dm)) {
                issued.put(row[1], row);
            }
        }
        assertThat(issued).hasSize(20);
        Fixtures.Device outsider = Fixtures.device(server, other);
        TestServer.ApiResponse rotated = server.call("POST", "/api/v1/devices/" + prefix + "-3/credentials/rotate",
                "{\"target\":\"server\",\"server\":\"" + dm + "\"}");
        assertThat(rotated.status()).as(rotated.toString()).isEqualTo(201);
        Fixtures.Device.rememberSecrets(rotated.json());

        JsonNode ours = server.call("GET", "/api/v1/servers/" + dm + "/credentials-export", null).json();
        assertThat(ours.get("server").asString()).isEqualTo(dm);
        assertThat(ours.get("credentials")).hasSize(21);
        for (JsonNode c : ours.get("credentials")) {
            assertThat(c.get("endpoint").asString()).startsWith(prefix).isNotEqualTo(outsider.endpoint());
            if (c.get("status").asString().equals("ACTIVE")) {
                String[] row = issued.get(c.get("endpoint").asString());
                assertThat(c.get("identity").asString()).isEqualTo(row[4]);
                assertThat(c.get("key").asString()).isEqualTo(row[5]);
            } else {
                assertThat(c.get("status").asString()).isEqualTo("PENDING");
                assertThat(c.get("endpoint").asString()).isEqualTo(prefix + "-3");
            }
        }

        TestServer.ApiResponse leshan = server.call("GET", "/api/v1/servers/" + dm + "/credentials-export?format=leshan", null);
        assertThat(leshan.status()).isEqualTo(200);
        InMemorySecurityStore store = new InMemorySecurityStore();
        for (JsonNode info : leshan.json()) {
            JsonNode tls = info.get("tls");
            assertThat(tls.get("mode").asString()).isEqualTo("psk");
            store.add(SecurityInfo.newPreSharedKeyInfo(info.get("endpoint").asString(),
                    tls.get("details").get("identity").asString(), HexFormat.of().parseHex(tls.get("details").get("key").asString())));
        }
        assertThat(store.getAll()).hasSize(20);
        issued.forEach((endpoint, row) -> {
            SecurityInfo found = store.getByIdentity(row[4]);
            assertThat(found.getEndpoint()).isEqualTo(endpoint);
            assertThat(found.getPreSharedKey()).isEqualTo(HexFormat.of().parseHex(row[5]));
        });

        JdbcTemplate db = server.bean(JdbcTemplate.class);
        List<String> audited = db.queryForList("SELECT details FROM audit_events WHERE action = 'server.credentials.export' AND target = ?",
                String.class, "server:" + dm);
        assertThat(audited).hasSize(2).allMatch(d -> d.contains("credentials="));
        assertThat(String.join("\n", audited)).doesNotContain(issued.values().iterator().next()[5]);

        assertThat(server.call("GET", "/api/v1/servers/no-such-server/credentials-export", null).status()).isEqualTo(404);
        assertThat(server.call("GET", "/api/v1/servers/" + dm + "/credentials-export?format=xml", null).status()).isEqualTo(400);
        assertThat(server.call("GET", "/api/v1/servers/" + dm + "/credentials-export", null, null).status()).isEqualTo(401);
    }
}
