package io.lwm2m.provisioning.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.lwm2m.provisioning.e2e.WakaamaClient.Variant;
import io.lwm2m.provisioning.testing.Tool;
import io.lwm2m.provisioning.testing.ToolCheck;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import tools.jackson.databind.JsonNode;

/**
 * Eclipse Wakaama's C client, unmodified, in its four builds (LwM2M 1.0 TLV without pct, 1.1 TLV,
 * 1.1 SenML-CBOR, 1.1 SenML-JSON), bootstrapped by the whole server over real DTLS and CoAP, and
 * judged by what the client itself holds afterwards ({@code dump /0}, {@code /1}, {@code /2}) and by
 * a DM server it then registers at with the credentials it was given. Every scenario of every
 * variant runs at once (the client waits its 10 s hold-off before bootstrapping), then each test
 * checks one scenario's outcome. Skipped, with the reason, where shared/interop is absent.
 */
class WakaamaInteropTest {

    private static final Duration SCENARIO_TIMEOUT = Duration.ofSeconds(120);
    private static TestServer server;
    private static RegistrationRecorder dm;
    private static String pskDm;
    private static String noSecDm;
    private static ExecutorService clients;
    private static final Map<Scenario, Map<Variant, Future<Outcome>>> outcomes = new EnumMap<>(Scenario.class);

    enum Scenario { PSK_ONE_DM, NOSEC_TWO_DMS, ACCESS_CONTROL, LEFTOVER_ACCOUNTS, WRONG_KEY, ENDPOINT_OF_ANOTHER_DEVICE }

    /** What one client ended up with. */
    record Outcome(Fixtures.Device device, Map<Integer, Map<Integer, String>> security, Map<Integer, Map<Integer, String>> server,
            Map<Integer, Map<Integer, String>> accessControl, List<RegistrationRecorder.Registration> registrations,
            String clientOutput) {
    }

    @BeforeAll
    static void bootstrapEveryScenarioOfEveryVariant() {
        // Skipped and counted in the build's summary where the clients are absent; a failure in CI.
        ToolCheck.require("stdbuf", "coreutils");
        ToolCheck.require(new Tool(List.of(WakaamaClient.clients().map(p -> p.resolve("v1_0/lwm2mclient").toString())
                .orElse("shared/interop/build.sh (Eclipse Wakaama's lwm2mclient)")), "", WakaamaClient.whyAbsent()));
        server = TestServer.shared();
        dm = new RegistrationRecorder();
        pskDm = Fixtures.server(server, dm.coapsUri(), 101, 300, "U", "PSK", true);
        noSecDm = Fixtures.server(server, dm.coapUri(), 102, 300, "U", "NOSEC", true);
        clients = Executors.newFixedThreadPool(Scenario.values().length * Variant.values().length);
        for (Scenario scenario : Scenario.values()) {
            Map<Variant, Future<Outcome>> byVariant = new EnumMap<>(Variant.class);
            for (Variant variant : Variant.values()) {
                byVariant.put(variant, clients.submit(run(scenario, variant)));
            }
            outcomes.put(scenario, byVariant);
        }
    }

    @AfterAll
    static void stop() {
        if (clients != null) {
            clients.shutdownNow();
        }
        if (dm != null) {
            dm.close();
        }
    }

    @ParameterizedTest
    @EnumSource(Variant.class)
    void bootstrapsOverPskWithOnePskDmServerAndRegistersThereWithTheDeliveredCredential(Variant variant) throws Exception {
        Outcome outcome = outcome(Scenario.PSK_ONE_DM, variant);

        assertKeepsItsBootstrapAccount(outcome, "coaps://127.0.0.1:" + server.coaps().getPort());
        assertThat(outcome.security()).containsOnlyKeys(0, 1);
        assertPskAccount(outcome.security().get(1), outcome.device().created().get("serverCredentials").get(0), 101);
        assertThat(outcome.server()).containsOnlyKeys(0);
        assertServer(outcome.server().get(0), 101, 300);
        JsonNode credential = outcome.device().created().get("serverCredentials").get(0);
        assertThat(outcome.registrations()).extracting(RegistrationRecorder.Registration::pskIdentity)
                .contains(credential.get("identity").asString());
        assertThat(latestSession(outcome.device()).get("lwm2mVersion").asString()).isEqualTo(variant.lwm2mVersion);
    }

    @ParameterizedTest
    @EnumSource(Variant.class)
    void bootstrapsOverPlainCoapWithTwoDmServersAndRegistersAtBoth(Variant variant) throws Exception {
        Outcome outcome = outcome(Scenario.NOSEC_TWO_DMS, variant);

        // The example client writes "coaps://" into its bootstrap account even when it speaks plain CoAP.
        assertKeepsItsBootstrapAccount(outcome, "coaps://127.0.0.1:" + server.coap().getPort());
        assertThat(outcome.security()).containsOnlyKeys(0, 1, 2);
        assertPskAccount(outcome.security().get(1), outcome.device().created().get("serverCredentials").get(0), 101);
        Map<Integer, String> noSec = outcome.security().get(2);
        assertThat(noSec.get(0)).contains(WakaamaClient.string(dm.coapUri()));
        assertThat(noSec.get(2)).contains("INTEGER:     3");
        assertThat(noSec.get(10)).contains("INTEGER:     102");
        assertThat(outcome.server()).containsOnlyKeys(0, 1);
        assertServer(outcome.server().get(0), 101, 300);
        assertServer(outcome.server().get(1), 102, 300);
        assertThat(outcome.registrations()).extracting(RegistrationRecorder.Registration::pskIdentity)
                .contains(outcome.device().created().get("serverCredentials").get(0).get("identity").asString())
                .containsNull();
    }

    @ParameterizedTest
    @EnumSource(Variant.class)
    void receivesTheAccessControlInstancesOfItsProfileInItsOwnFormat(Variant variant) throws Exception {
        Outcome outcome = outcome(Scenario.ACCESS_CONTROL, variant);

        assertThat(outcome.accessControl()).isNotEmpty();
        Map<Integer, String> acl = outcome.accessControl().values().stream()
                .filter(r -> r.getOrDefault(0, "").contains("INTEGER:     3") && r.getOrDefault(3, "").contains("INTEGER:     102"))
                .findFirst().orElseThrow(() -> new AssertionError("no ACL of /3/0 owned by 102 in " + outcome.accessControl()));
        assertThat(acl.get(1)).contains("INTEGER:     0");
        // The ACL resource holds one instance per short server id: 102 may read, write and execute; others read.
        assertThat(acl.get(2)).containsPattern("id: 102\\s+type: LWM2M_TYPE_INTEGER:\\s+7")
                .containsPattern("id: 0\\s+type: LWM2M_TYPE_INTEGER:\\s+1");
        assertThat(outcome.registrations()).isNotEmpty();
    }

    @ParameterizedTest
    @EnumSource(Variant.class)
    void aSecondBootstrapDeletesTheAccountsItsProfileNoLongerHas(Variant variant) throws Exception {
        Outcome outcome = outcome(Scenario.LEFTOVER_ACCOUNTS, variant);

        assertKeepsItsBootstrapAccount(outcome, "coaps://127.0.0.1:" + server.coaps().getPort());
        assertThat(outcome.security()).hasSize(2);
        Map<Integer, String> remaining = outcome.security().entrySet().stream().filter(e -> e.getKey() != 0)
                .findFirst().orElseThrow().getValue();
        assertThat(remaining.get(0)).contains(WakaamaClient.string(dm.coapUri()));
        assertThat(outcome.server()).hasSize(1);
        assertServer(outcome.server().values().iterator().next(), 102, 300);
        assertThat(server.call("GET", "/api/v1/devices/" + outcome.device().endpoint() + "/sessions", null).json())
                .filteredOn(s -> s.get("outcome").asString().equals("SUCCEEDED")).hasSizeGreaterThanOrEqualTo(2);
    }

    @ParameterizedTest
    @EnumSource(Variant.class)
    void aWrongKeyIsRecordedAgainstTheDeviceAndTheClientGetsNothing(Variant variant) throws Exception {
        Outcome outcome = outcome(Scenario.WRONG_KEY, variant);

        assertThat(outcome.security()).containsOnlyKeys(0);
        assertThat(outcome.registrations()).isEmpty();
        JsonNode failures = handshakeFailures(outcome.device());
        assertThat(failures).anySatisfy(f -> {
            assertThat(f.get("reason").asString()).isEqualTo("WRONG_KEY");
            assertThat(f.get("lastIdentity").asString()).isEqualTo(outcome.device().identity());
        });
        assertThat(server.call("GET", "/api/v1/devices/" + outcome.device().endpoint() + "/sessions", null).json()).isEmpty();
    }

    @ParameterizedTest
    @EnumSource(Variant.class)
    void theEndpointOfAnotherDeviceIsRefusedAndRecorded(Variant variant) throws Exception {
        Outcome outcome = outcome(Scenario.ENDPOINT_OF_ANOTHER_DEVICE, variant);

        assertThat(outcome.security()).containsOnlyKeys(0);
        assertThat(outcome.registrations()).isEmpty();
        JsonNode session = latestSession(outcome.device());
        assertThat(session.get("outcome").asString()).isEqualTo("FAILED");
        assertThat(session.get("reason").asString()).contains("does not match the DTLS identity");
    }

    // ---- the scenarios ----

    private static Callable<Outcome> run(Scenario scenario, Variant variant) {
        return () -> switch (scenario) {
            case PSK_ONE_DM -> {
                Fixtures.Device device = device(variant, pskDm);
                yield bootstrapAndRegister(variant, device, true, device.identity(), device.key(), 1);
            }
            case NOSEC_TWO_DMS -> {
                Fixtures.Device device = Fixtures.deviceOfProfile(server, profile(variant, """
                        "servers":[{"server":"%s"},{"server":"%s"}],"allowNoSec":true""".formatted(pskDm, noSecDm)));
                yield bootstrapAndRegister(variant, device, false, null, null, 2);
            }
            case ACCESS_CONTROL -> {
                // No PSK DM account here: the writes stay in the client's own format (SenML-JSON included).
                String profile = Fixtures.profile(server, """
                        {"servers":[{"server":"%s"}],"accessControl":[{"objectId":3,"instanceId":0,"acl":{"102":7,"0":1},"owner":102}],\
                        "deletePaths":["/0","/1","/2"]}""".formatted(noSecDm));
                Fixtures.Device device = Fixtures.deviceOfProfile(server, profile);
                yield bootstrapAndRegister(variant, device, true, device.identity(), device.key(), 1);
            }
            case LEFTOVER_ACCOUNTS -> leftovers(variant);
            case WRONG_KEY -> {
                Fixtures.Device device = device(variant, pskDm);
                byte[] wrong = HexFormat.of().parseHex("0102030405060708090a0b0c0d0e0f10");
                try (WakaamaClient client = WakaamaClient.bootstrap(variant, server.coaps().getPort(), device.endpoint(),
                        device.identity(), wrong)) {
                    await(() -> handshakeFailures(device).size() > 0, "a recorded handshake failure of " + device.endpoint());
                    yield outcome(device, client);
                }
            }
            case ENDPOINT_OF_ANOTHER_DEVICE -> {
                Fixtures.Device device = device(variant, pskDm);
                Fixtures.Device other = device(variant, pskDm);
                try (WakaamaClient client = WakaamaClient.bootstrap(variant, server.coaps().getPort(), other.endpoint(),
                        device.identity(), device.key())) {
                    await(() -> latestSession(device) != null, "a refused session of " + device.endpoint());
                    yield outcome(device, client);
                }
            }
        };
    }

    /** Two DM accounts, then the profile drops one and the client bootstraps again (its "bootstrap" command). */
    private static Outcome leftovers(Variant variant) throws Exception {
        String name = profile(variant, "\"servers\":[{\"server\":\"%s\"},{\"server\":\"%s\"}]".formatted(pskDm, noSecDm));
        Fixtures.Device device = Fixtures.deviceOfProfile(server, name);
        dm.accept(device.created().get("serverCredentials").get(0).get("identity").asString(),
                HexFormat.of().parseHex(device.created().get("serverCredentials").get(0).get("key").asString()));
        try (WakaamaClient client = WakaamaClient.bootstrap(variant, server.coaps().getPort(), device.endpoint(),
                device.identity(), device.key())) {
            await(() -> dm.registrations(device.endpoint()).size() >= 2, device.endpoint() + " registered at both DM servers",
                    device, client);
            TestServer.ApiResponse updated = server.call("PUT", "/api/v1/profiles/" + name, "{\"definition\":{"
                    + definition(variant, "\"servers\":[{\"server\":\"%s\"}]".formatted(noSecDm)) + "}}");
            assertThat(updated.status()).as(updated.toString()).isEqualTo(200);
            Instant before = Instant.now();
            client.command("bootstrap");
            await(() -> {
                JsonNode latest = latestSession(device);
                return latest != null && latest.get("outcome").asString().equals("SUCCEEDED")
                        && Instant.parse(latest.get("startedAt").asString()).isAfter(before);
            }, "a second bootstrap of " + device.endpoint());
            Thread.sleep(500); // the client applies Bootstrap-Finish after answering it
            return outcome(device, client);
        }
    }

    private static Outcome bootstrapAndRegister(Variant variant, Fixtures.Device device, boolean overDtls, String identity,
            byte[] key, int dmServers) throws Exception {
        for (JsonNode credential : device.created().get("serverCredentials")) {
            if (credential.has("key")) {
                dm.accept(credential.get("identity").asString(), HexFormat.of().parseHex(credential.get("key").asString()));
            }
        }
        int port = overDtls ? server.coaps().getPort() : server.coap().getPort();
        try (WakaamaClient client = WakaamaClient.bootstrap(variant, port, device.endpoint(), identity, key)) {
            await(() -> dm.registrations(device.endpoint()).size() >= dmServers,
                    device.endpoint() + " registered at " + dmServers + " DM server(s)", device, client);
            return outcome(device, client);
        }
    }

    private static Outcome outcome(Fixtures.Device device, WakaamaClient client) throws InterruptedException {
        return new Outcome(device, client.dump(0), client.dump(1), client.dump(2), dm.registrations(device.endpoint()),
                client.output());
    }

    /** A device of {@code dmServer}; the SenML-JSON build gets TLV through its profile (below). */
    private static Fixtures.Device device(Variant variant, String dmServer) {
        return Fixtures.deviceOfProfile(server, profile(variant, "\"servers\":[{\"server\":\"%s\"}]".formatted(dmServer)));
    }

    private static String profile(Variant variant, String servers) {
        return Fixtures.profile(server, "{" + definition(variant, servers) + "}");
    }

    /**
     * Wakaama's SenML-JSON decoder takes standard base64 only (its issue 698; RFC 8428 says base64url),
     * so about half of the random keys the server writes fail to decode there. Its profile makes the
     * server write TLV, which that build also takes: the per-profile format for such fleets.
     */
    private static String definition(Variant variant, String servers) {
        return variant == Variant.V1_1_SENML_JSON ? servers + ",\"compatibility\":{\"contentFormat\":\"TLV\"}" : servers;
    }

    // ---- assertions ----

    private static Outcome outcome(Scenario scenario, Variant variant) throws Exception {
        return outcomes.get(scenario).get(variant).get(SCENARIO_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
    }

    private static void assertKeepsItsBootstrapAccount(Outcome outcome, String uri) {
        Map<Integer, String> account = outcome.security().get(0);
        assertThat(account).as("the bootstrap account at /0/0 in " + outcome.security()).isNotNull();
        assertThat(account.get(0)).contains(WakaamaClient.string(uri));
        assertThat(account.get(1)).contains("BOOLEAN: true");
    }

    private static void assertPskAccount(Map<Integer, String> security, JsonNode credential, int shortServerId) {
        assertThat(security.get(0)).contains(WakaamaClient.string(dm.coapsUri()));
        assertThat(security.get(1)).contains("BOOLEAN: false");
        assertThat(security.get(2)).contains("INTEGER:     0");
        assertThat(security.get(3)).contains(WakaamaClient.opaque(credential.get("identity").asString().getBytes(StandardCharsets.UTF_8)));
        assertThat(security.get(5)).contains(WakaamaClient.opaque(HexFormat.of().parseHex(credential.get("key").asString())));
        assertThat(security.get(10)).contains("INTEGER:     " + shortServerId);
    }

    private static void assertServer(Map<Integer, String> serverInstance, int shortServerId, int lifetime) {
        assertThat(serverInstance.get(0)).contains("INTEGER:     " + shortServerId);
        assertThat(serverInstance.get(1)).contains("INTEGER:     " + lifetime);
        assertThat(serverInstance.get(7)).contains(WakaamaClient.string("U"));
    }

    private static JsonNode latestSession(Fixtures.Device device) {
        JsonNode sessions = server.call("GET", "/api/v1/devices/" + device.endpoint() + "/sessions", null).json();
        return sessions.isEmpty() ? null : sessions.get(0);
    }

    private static JsonNode handshakeFailures(Fixtures.Device device) {
        return server.call("GET", "/api/v1/devices/" + device.endpoint() + "/handshake-failures", null).json();
    }

    private interface Condition {
        boolean holds() throws Exception;
    }

    private static void await(Condition condition, String what) throws Exception {
        await(condition, what, null, null);
    }

    /**
     * Waits up to a minute; a timeout says what the server recorded of the device's latest session
     * and how the client's output ends, so that a failure in a whole run can be told from its report.
     */
    private static void await(Condition condition, String what, Fixtures.Device device, WakaamaClient client) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (!condition.holds()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for " + what
                        + (device == null ? "" : "; the server's latest session of the device: " + latestSession(device))
                        + (client == null ? "" : "; the client's output ends with:\n" + client.tail()));
            }
            Thread.sleep(200);
        }
    }
}
