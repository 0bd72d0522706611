package io.lwm2m.provisioning.bootstrap.credentials;

import static org.assertj.core.api.Assertions.assertThat;

import net.minidev.json.JSONObject;
import net.minidev.json.parser.JSONParser;
import org.junit.jupiter.api.Test;

/** The rotation webhook's body, as DM servers read it (parsed back with json-smart, not Jackson). */
class RotationAnnouncerTest {

    @Test
    void writesTheEventFieldsInTheirDocumentedOrder() {
        assertThat(RotationAnnouncer.body("dm-1", "urn:dev:1", 42)).isEqualTo(
                "{\"event\":\"credential.rotation-pending\",\"server\":\"dm-1\",\"endpoint\":\"urn:dev:1\",\"credentialId\":42}");
    }

    @Test
    void escapesEveryCharacterJsonRequiresInNames() throws Exception {
        String server = "dm \"quoted\" \\ back\tslash\u0001";

        String body = RotationAnnouncer.body(server, "urn:dev:é", 7);

        JSONObject parsed = (JSONObject) new JSONParser(JSONParser.MODE_RFC4627).parse(body);
        assertThat(parsed).containsEntry("server", server).containsEntry("endpoint", "urn:dev:é");
        assertThat(body.chars().filter(c -> c < 0x20)).isEmpty();
    }
}
