package io.lwm2m.provisioning.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.lwm2m.provisioning.e2e.LeshanDevice.Flavour;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;
import tools.jackson.databind.JsonNode;

/** Bootstrap profiles: CRUD with ETags, and devices receiving exactly their effective configuration. */
class ProfilesEndToEndTest {

    private static TestServer server;
    private static String pskServer;
    private static String noSecServer;

    @BeforeAll
    static void servers() {
        server = TestServer.shared();
        pskServer = Fixtures.server(server, "coaps://dm.example:5684", 301, 300, "U", "PSK", true);
        noSecServer = Fixtures.server(server, "coap://dm2.example:5683", 302, 600, "U", "NOSEC", true);
    }

    private static String createProfile(boolean allowNoSec) {
        String name = Fixtures.unique("profile");
        TestServer.ApiResponse created = server.call("POST", "/api/v1/profiles", """
                {"name":"%s","description":"factory line A","definition":{
                  "servers":[{"server":"%s","lifetime":600,"defaultMinPeriod":10,"defaultMaxPeriod":120,"binding":"UQ","disableTimeout":3600},
                             {"server":"%s","notificationStoring":false}],
                  "accessControl":[{"objectId":3,"instanceId":0,"acl":{"301":7,"0":1},"owner":301}],
                  "deletePaths":["/0","/1","/2"],
                  "allowNoSec":%s}}""".formatted(name, pskServer, noSecServer, allowNoSec));
        assertThat(created.status()).as(created.toString()).isEqualTo(201);
        return name;
    }

    @ParameterizedTest
    @EnumSource(value = Flavour.class, names = {"LWM2M_1_1_SENML_CBOR", "LWM2M_1_0_NO_PCT"})
    void aDeviceOfAProfileHoldsExactlyItsEffectiveConfigurationIncludingAcls(Flavour flavour) throws Exception {
        String profile = createProfile(false);
        String endpoint = Fixtures.unique("urn:dev:ops:profiled");
        TestServer.ApiResponse created = server.call("POST", "/api/v1/devices", """
                {"endpoint":"%s","profile":"%s","overrides":{"servers":[{"server":"%s","lifetime":900}]},
                 "bootstrapCredential":{"mode":"PSK"}}""".formatted(endpoint, profile, pskServer));
        assertThat(created.status()).as(created.toString()).isEqualTo(201);
        Fixtures.Device device = Fixtures.Device.of(created.json());

        JsonNode config = server.call("GET", "/api/v1/devices/" + endpoint + "/bootstrap-config", null).json();
        assertThat(config.get("profile").asString()).isEqualTo(profile);
        assertThat(config.get("servers").get(0).get("lifetime").asInt()).isEqualTo(900);
        assertThat(config.toString()).doesNotContain(device.serverCredential(pskServer).get("key").asString());

        try (LeshanDevice client = LeshanDevice.start(endpoint, server.coaps(), device.identity(), device.key(), flavour)) {
            assertThat(client.awaitBootstrap(Duration.ofSeconds(30)).success()).isTrue();
            assertHoldsTheProfile(client);
            // Bootstrapping again replaces, never duplicates.
            assertThat(client.bootstrapAgain(Duration.ofSeconds(30)).success()).isTrue();
            assertHoldsTheProfile(client);
        }
    }

    /** The PSK path caches effective profiles by row version: an edit must reach the very next bootstrap. */
    @Test
    void aProfileEditReachesTheNextBootstrap() throws Exception {
        String profile = createProfile(false);
        String endpoint = Fixtures.unique("urn:dev:ops:edited");
        Fixtures.Device device = Fixtures.Device.of(server.call("POST", "/api/v1/devices", """
                {"endpoint":"%s","profile":"%s","bootstrapCredential":{"mode":"PSK"}}""".formatted(endpoint, profile)).json());
        try (LeshanDevice client = LeshanDevice.start(endpoint, server.coaps(), device.identity(), device.key(),
                Flavour.LWM2M_1_1_SENML_CBOR)) {
            assertThat(client.awaitBootstrap(Duration.ofSeconds(30)).success()).isTrue();
            assertThat(lifetimeOf(client, 301)).isEqualTo(600L);

            long version = server.call("GET", "/api/v1/profiles/" + profile, null).json().get("version").asLong();
            TestServer.ApiResponse updated = server.callWithHeader("PUT", "/api/v1/profiles/" + profile, """
                    {"definition":{"servers":[{"server":"%s","lifetime":4321}]}}""".formatted(pskServer),
                    "If-Match", "\"" + version + "\"");
            assertThat(updated.status()).as(updated.toString()).isEqualTo(200);

            assertThat(client.bootstrapAgain(Duration.ofSeconds(30)).success()).isTrue();
            assertThat(lifetimeOf(client, 301)).isEqualTo(4321L);
            assertThat(client.instances(1)).as("the edited profile names one server").hasSize(1);
        }
    }

    private static Object lifetimeOf(LeshanDevice client, long shortServerId) {
        return client.instances(1).values().stream().filter(r -> Long.valueOf(shortServerId).equals(r.get(0))).findFirst()
                .orElseThrow().get(1);
    }

    private static void assertHoldsTheProfile(LeshanDevice client) {
        Map<Integer, Map<Integer, Object>> security = client.instances(0);
        assertThat(security).hasSize(3);
        Map<Integer, Map<Integer, Object>> servers = client.instances(1);
        assertThat(servers).hasSize(2);
        Map<Integer, Object> psk = servers.values().stream().filter(r -> Long.valueOf(301).equals(r.get(0))).findFirst().orElseThrow();
        assertThat(psk.get(1)).isEqualTo(900L);
        assertThat(psk.get(2)).isEqualTo(10L);
        assertThat(psk.get(3)).isEqualTo(120L);
        // Disable Timeout (/1/x/5) is written too, but Leshan's Server object does not keep it.
        assertThat(psk.get(7)).isEqualTo("UQ");
        Map<Integer, Object> noSec = servers.values().stream().filter(r -> Long.valueOf(302).equals(r.get(0))).findFirst().orElseThrow();
        assertThat(noSec.get(6)).isEqualTo(false);
        assertThat(noSec.get(1)).isEqualTo(600L);

        Map<Integer, Map<Integer, Object>> acl = client.instances(2);
        assertThat(acl).hasSize(1);
        Map<Integer, Object> instance = acl.values().iterator().next();
        assertThat(instance.get(0)).isEqualTo(3L);
        assertThat(instance.get(1)).isEqualTo(0L);
        assertThat(instance.get(3)).isEqualTo(301L);
        assertThat(client.multiInstances(2, 2)).containsEntry(301, 7L).containsEntry(0, 1L);
    }

    @Test
    void aProfileThatAllowsNoSecBootstrapsOverPlainCoapAndOneThatForbidsItDoesNot() throws Exception {
        String open = createProfile(true);
        String closed = createProfile(false);
        for (String profile : new String[] {open, closed}) {
            String endpoint = Fixtures.unique("urn:dev:ops:nosec");
            TestServer.ApiResponse created = server.call("POST", "/api/v1/devices", """
                    {"endpoint":"%s","profile":"%s","bootstrapCredential":{"mode":"PSK"}}""".formatted(endpoint, profile));
            Fixtures.Device.of(created.json());
            try (LeshanDevice client = LeshanDevice.noSec(endpoint, server.coap(), Flavour.LWM2M_1_1_SENML_CBOR)) {
                LeshanDevice.Outcome outcome = client.awaitBootstrap(Duration.ofSeconds(30));
                if (profile.equals(open)) {
                    assertThat(outcome.success()).as(outcome.toString()).isTrue();
                    assertThat(client.instances(1)).hasSize(2);
                } else {
                    assertThat(outcome.success()).isFalse();
                    assertThat(outcome.code()).isEqualTo(org.eclipse.leshan.core.ResponseCode.BAD_REQUEST);
                }
            }
        }
    }

    @Test
    void profilesUseEtagsAndCannotBeDeletedWhileDevicesUseThem() {
        String name = createProfile(false);
        TestServer.ApiResponse read = server.call("GET", "/api/v1/profiles/" + name, null);
        assertThat(read.status()).isEqualTo(200);
        long version = read.json().get("version").asLong();
        String body = """
                {"description":"changed","definition":{"servers":[{"server":"%s"}]}}""".formatted(pskServer);
        assertThat(server.callWithHeader("PUT", "/api/v1/profiles/" + name, body, "If-Match", "\"" + (version + 7) + "\"").status())
                .isEqualTo(412);
        TestServer.ApiResponse updated = server.callWithHeader("PUT", "/api/v1/profiles/" + name, body, "If-Match", "\"" + version + "\"");
        assertThat(updated.status()).as(updated.toString()).isEqualTo(200);
        assertThat(updated.json().get("version").asLong()).isEqualTo(version + 1);

        Fixtures.Device.of(server.call("POST", "/api/v1/devices", """
                {"endpoint":"%s","profile":"%s","bootstrapCredential":{"mode":"PSK"}}""".formatted(Fixtures.unique("urn:dev"), name)).json());
        assertThat(server.call("DELETE", "/api/v1/profiles/" + name, null).status()).isEqualTo(409);
        String unused = createProfile(false);
        assertThat(server.call("DELETE", "/api/v1/profiles/" + unused, null).status()).isEqualTo(204);
        assertThat(server.call("GET", "/api/v1/profiles/" + unused, null).status()).isEqualTo(404);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "definition.servers[0].server           | {\"servers\":[{\"server\":\"no-such-server\"}]}",
            "definition.servers                     | {\"servers\":[]}",
            "definition.servers[0].lifetime         | {\"servers\":[{\"server\":\"PSK\",\"lifetime\":0}]}",
            "definition.servers[0].binding          | {\"servers\":[{\"server\":\"PSK\",\"binding\":\"XX\"}]}",
            "definition.servers[0].securityMode     | {\"servers\":[{\"server\":\"PSK\",\"securityMode\":\"RPK\"}]}",
            "definition.accessControl[0].acl        | {\"servers\":[{\"server\":\"PSK\"}],\"accessControl\":[{\"objectId\":3,\"instanceId\":0,\"acl\":{\"1\":99},\"owner\":1}]}",
            "definition.accessControl[0].objectId   | {\"servers\":[{\"server\":\"PSK\"}],\"accessControl\":[{\"objectId\":0,\"instanceId\":0,\"owner\":1}]}",
            "definition.deletePaths[0]              | {\"servers\":[{\"server\":\"PSK\"}],\"deletePaths\":[\"/0/x\"]}",
    })
    void aBadProfileGets400NamingTheField(String field, String definition) {
        String name = Fixtures.unique("profile");
        TestServer.ApiResponse response = server.call("POST", "/api/v1/profiles",
                "{\"name\":\"" + name + "\",\"definition\":" + definition.replace("\"PSK\"", "\"" + pskServer + "\"") + "}");
        assertThat(response.status()).as(response.toString()).isEqualTo(400);
        assertThat(response.json().get("errors").get(0).get("field").asString()).isEqualTo(field);
        assertThat(server.call("GET", "/api/v1/profiles/" + name, null).status()).isEqualTo(404);
    }

    @Test
    void aDeviceNamesEitherAProfileOrServers() {
        String profile = createProfile(false);
        TestServer.ApiResponse both = server.call("POST", "/api/v1/devices", """
                {"endpoint":"%s","profile":"%s","servers":["%s"],"bootstrapCredential":{"mode":"PSK"}}"""
                .formatted(Fixtures.unique("urn:dev"), profile, pskServer));
        assertThat(both.status()).isEqualTo(400);
        TestServer.ApiResponse unknown = server.call("POST", "/api/v1/devices", """
                {"endpoint":"%s","profile":"no-such-profile","bootstrapCredential":{"mode":"PSK"}}""".formatted(Fixtures.unique("urn:dev")));
        assertThat(unknown.status()).isEqualTo(404);
    }
}
