package io.lwm2m.provisioning.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * Device search through the API (and the console, which calls the same query): by endpoint prefix,
 * profile, label and state, all given must match, in endpoint order, a page at a time.
 */
class DeviceSearchTest {

    private static TestServer server;
    private static String prefix;
    private static String lineA;
    private static String lineB;

    @BeforeAll
    static void register() throws Exception {
        server = TestServer.shared();
        String dm = Fixtures.server(server, "coaps://dm.example:5684", 174, 300, "U", "PSK", true);
        lineA = Imports.profile(server, dm);
        lineB = Imports.profile(server, dm);
        prefix = Fixtures.unique("urn:dev:search");
        StringBuilder csv = new StringBuilder("endpoint,profile,mode,labels\n");
        for (int i = 0; i < 30; i++) {
            // Zero-padded so endpoint order is numeric order; every third on line B, even ones in lot 7.
            csv.append("%s-%03d,%s,psk,%s\n".formatted(prefix, i, i % 3 == 0 ? lineB : lineA, i % 2 == 0 ? "lot=7;line=x" : ""));
        }
        TestServer.ApiResponse accepted = Imports.upload(server, "text/csv", csv.toString().getBytes(StandardCharsets.UTF_8), "");
        JsonNode done = Imports.await(server, accepted.json().get("id").asString(), Duration.ofSeconds(60));
        assertThat(done.get("rows").get("created").asLong()).isEqualTo(30);
        for (int i : new int[] {4, 5}) {
            assertThat(server.call("POST", "/api/v1/devices/%s-%03d/disable".formatted(prefix, i), null).status()).isEqualTo(200);
        }
    }

    private static List<String> endpoints(String query) {
        return Http.walk(server, "/api/v1/devices?" + query).stream().map(d -> d.get("endpoint").asString()).toList();
    }

    @Test
    void aPrefixFindsItsDevicesInEndpointOrderPageAfterPage() {
        List<String> all = endpoints("endpointPrefix=" + prefix + "-&limit=7");
        assertThat(all).hasSize(30).isSortedAccordingTo(Comparator.naturalOrder()).startsWith(prefix + "-000");
        assertThat(endpoints("endpointPrefix=" + prefix + "-01&limit=100"))
                .containsExactly(java.util.stream.IntStream.range(10, 20).mapToObj(i -> "%s-%03d".formatted(prefix, i)).toArray(String[]::new));
        assertThat(endpoints("endpointPrefix=" + prefix + "-9")).isEmpty();
    }

    @Test
    void everyTermGivenMustMatch() {
        assertThat(endpoints("endpointPrefix=" + prefix + "&profile=" + lineB)).hasSize(10)
                .allSatisfy(ep -> assertThat(Integer.parseInt(ep.substring(ep.length() - 3)) % 3).isZero());
        assertThat(endpoints("endpointPrefix=" + prefix + "&label=lot%3D7")).hasSize(15);
        assertThat(endpoints("profile=" + lineB + "&label=lot%3D7"))
                .containsExactly("%s-000".formatted(prefix), "%s-006".formatted(prefix), "%s-012".formatted(prefix),
                        "%s-018".formatted(prefix), "%s-024".formatted(prefix));
        assertThat(endpoints("endpointPrefix=" + prefix + "&state=DISABLED"))
                .containsExactly("%s-004".formatted(prefix), "%s-005".formatted(prefix));
        assertThat(endpoints("endpointPrefix=" + prefix + "&state=ACTIVE")).hasSize(28);
        assertThat(endpoints("profile=no-such-profile")).isEmpty();
        JsonNode first = Http.walk(server, "/api/v1/devices?endpointPrefix=" + prefix + "-000").get(0);
        assertThat(first.get("profile").asString()).isEqualTo(lineB);
        assertThat(first.get("labels").valueStream().map(JsonNode::asString)).containsExactly("lot=7", "line=x");
    }

    @Test
    void aSearchTermBreakingTheTextRulesIs400NamingIt() {
        TestServer.ApiResponse bidi = server.call("GET", "/api/v1/devices?label=lot%E2%80%AE7", null);
        assertThat(bidi.status()).isEqualTo(400);
        assertThat(bidi.json().get("errors").get(0).get("field").asString()).isEqualTo("label");
        TestServer.ApiResponse longPrefix = server.call("GET", "/api/v1/devices?endpointPrefix=" + "a".repeat(65), null);
        assertThat(longPrefix.status()).isEqualTo(400);
        assertThat(longPrefix.json().get("errors").get(0).get("field").asString()).isEqualTo("endpointPrefix");
    }
}
