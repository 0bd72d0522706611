package io.lwm2m.provisioning.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.lwm2m.provisioning.ca.CaFactory;
import io.lwm2m.provisioning.ca.CertificateIssuer;
import io.lwm2m.provisioning.ca.CertificateProfile;
import io.lwm2m.provisioning.ca.GeneratedCa;
import io.lwm2m.provisioning.ca.KeyAlgorithm;
import io.lwm2m.provisioning.ca.Pem;
import io.lwm2m.provisioning.e2e.LeshanDevice.Flavour;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.EnumSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.eclipse.californium.scandium.dtls.cipher.CipherSuite;
import org.eclipse.leshan.client.object.Security;
import org.eclipse.leshan.client.object.Server;
import org.eclipse.leshan.core.request.BindingMode;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import tools.jackson.databind.JsonNode;

/**
 * Issue 4's verification matrix with Eclipse Leshan's client: every bootstrap-channel mode × LwM2M
 * version, and every provisioned DM mode × version, each device on a profile with two DM servers
 * and Access Control instances. After the bootstrap the client's objects must hold exactly what
 * {@code GET /api/v1/devices/{ep}/bootstrap-config} and the creation response's generated
 * credentials say, plus its untouched bootstrap account, and nothing else.
 */
class BootstrapMatrixEndToEndTest {

    private static final SecureRandom RANDOM = new SecureRandom();
    private static final int FIRST_SSID = 601;
    private static final String LESHAN_DEFAULT_CERTIFICATE_USAGE = "3";

    /** How the device authenticates on the bootstrap channel. */
    enum BootstrapMode {
        PSK, RPK, X509, FACTORY_X509
    }

    /** The provisioned DM modes, /0/x/2 = ordinal. */
    enum DmMode {
        PSK, RPK, X509, NOSEC, EST
    }

    private static TestServer server;
    private static JsonNode bootstrapServer;
    private static byte[] bootstrapServerCertificate;
    private static GeneratedCa manufacturer;
    /** DM mode → the name of a DM server of that mode. */
    private static final Map<DmMode, String> dmServers = new java.util.EnumMap<>(DmMode.class);
    /** DM server name → what /0/x/4 must hold for it. */
    private static final Map<String, byte[]> serverKeys = new java.util.HashMap<>();

    @BeforeAll
    static void servers() throws Exception {
        server = TestServer.shared();
        bootstrapServer = server.call("GET", "/api/v1/bootstrap-server", null, null).json();
        bootstrapServerCertificate = Fixtures.der(bootstrapServer.get("certificateChain").asString());

        KeyPairGenerator ec = KeyPairGenerator.getInstance("EC");
        ec.initialize(256);
        byte[] dmPublicKey = ec.generateKeyPair().getPublic().getEncoded();
        // Stand-ins for the DM servers' certificates: any certificate will do, so one from a throwaway CA.
        GeneratedCa dmCa = CaFactory.generate(KeyAlgorithm.EC_P256, "DM", "DM Operator", Duration.ofDays(30), Duration.ofDays(30),
                null, RANDOM);
        byte[] x509Certificate = dmCa.issuing().getEncoded();
        byte[] estCertificate = dmCa.root().getEncoded();
        int ssid = FIRST_SSID;
        for (DmMode mode : DmMode.values()) {
            String extra = switch (mode) {
                case RPK -> ",\"serverPublicKey\":\"" + pem("PUBLIC KEY", dmPublicKey) + "\"";
                case X509 -> ",\"serverCertificate\":\"" + pem("CERTIFICATE", x509Certificate) + "\"";
                case EST -> ",\"serverCertificate\":\"" + pem("CERTIFICATE", estCertificate) + "\"";
                default -> "";
            };
            String name = Fixtures.unique("dm-" + mode.name().toLowerCase());
            String uri = (mode == DmMode.NOSEC ? "coap://" : "coaps://") + mode.name().toLowerCase() + ".matrix.example:"
                    + (mode == DmMode.NOSEC ? 5683 : 5684);
            TestServer.ApiResponse created = server.call("POST", "/api/v1/servers", """
                    {"name":"%s","uri":"%s","shortServerId":%d,"lifetime":300,"binding":"UQ","securityMode":"%s"%s}"""
                    .formatted(name, uri, ssid++, mode.name(), extra));
            assertThat(created.status()).as(created.toString()).isEqualTo(201);
            dmServers.put(mode, name);
            serverKeys.put(name, switch (mode) {
                case RPK -> dmPublicKey;
                case X509 -> x509Certificate;
                case EST -> estCertificate;
                default -> new byte[0];
            });
        }

        manufacturer = CaFactory.generate(KeyAlgorithm.EC_P256, "Matrix Factory", "Matrix Devices", Duration.ofDays(365),
                Duration.ofDays(365), null, RANDOM);
        TestServer.ApiResponse registered = server.call("POST", "/api/v1/manufacturer-cas", "{\"name\":\""
                + Fixtures.unique("matrix-factory") + "\",\"certificate\":\"" + Pem.certificate(manufacturer.issuing()).replace("\n", "\\n")
                + "\"}");
        assertThat(registered.status()).as(registered.toString()).isEqualTo(201);
    }

    static List<Arguments> bootstrapModesAndVersions() {
        List<Arguments> arguments = new ArrayList<>();
        for (BootstrapMode mode : BootstrapMode.values()) {
            for (Flavour flavour : List.of(Flavour.LWM2M_1_0_NO_PCT, Flavour.LWM2M_1_1_SENML_CBOR)) {
                arguments.add(Arguments.of(mode, flavour));
            }
        }
        return arguments;
    }

    static List<Arguments> dmModesAndVersions() {
        List<Arguments> arguments = new ArrayList<>();
        for (DmMode mode : DmMode.values()) {
            for (Flavour flavour : List.of(Flavour.LWM2M_1_0_NO_PCT, Flavour.LWM2M_1_1_SENML_CBOR)) {
                arguments.add(Arguments.of(mode, flavour));
            }
        }
        return arguments;
    }

    @ParameterizedTest(name = "{0} bootstrap, {1}")
    @MethodSource("bootstrapModesAndVersions")
    void everyBootstrapModeDeliversExactlyTheEffectiveConfiguration(BootstrapMode mode, Flavour flavour) throws Exception {
        MatrixDevice device = register(mode, profile(DmMode.PSK, DmMode.X509));
        try (LeshanDevice client = device.start(flavour)) {
            LeshanDevice.Outcome outcome = client.awaitBootstrap(Duration.ofSeconds(30));
            assertThat(outcome.success()).as(outcome.toString()).isTrue();
            assertHoldsExactlyTheEffectiveConfiguration(client, device, flavour);
        }
        assertLatestSessionSucceeded(device.endpoint, flavour);
    }

    @ParameterizedTest(name = "DM {0}, {1}")
    @MethodSource("dmModesAndVersions")
    void everyDmModeIsProvisionedExactlyAsConfigured(DmMode mode, Flavour flavour) throws Exception {
        MatrixDevice device = register(BootstrapMode.PSK, profile(mode, mode == DmMode.PSK ? DmMode.NOSEC : DmMode.PSK));
        try (LeshanDevice client = device.start(flavour)) {
            LeshanDevice.Outcome outcome = client.awaitBootstrap(Duration.ofSeconds(30));
            assertThat(outcome.success()).as(outcome.toString()).isTrue();
            assertHoldsExactlyTheEffectiveConfiguration(client, device, flavour);
        }
        assertLatestSessionSucceeded(device.endpoint, flavour);
    }

    @Test
    void a11ClientHoldingOtherServersKeepsOnlyItsBootstrapAccountBesideTheConfiguredOnes() throws Exception {
        MatrixDevice device = register(BootstrapMode.PSK, profile(DmMode.RPK, DmMode.PSK));
        // Left over from an earlier life: accounts for servers the configuration no longer names, on the
        // instance ids the bootstrap writes next, and one with the short server id of a configured server.
        List<Security> oldSecurity = List.of(
                Security.psk("coaps://old-1.example:5684", 991, "old-identity".getBytes(StandardCharsets.UTF_8),
                        HexFormat.of().parseHex("00112233445566778899aabbccddeeff")),
                Security.noSec("coap://old-2.example:5683", 992),
                Security.noSec("coap://old-3.example:5683", FIRST_SSID));
        List<Server> oldServers = List.of(
                new Server(991, 86_400),
                new Server(992, 3_600, EnumSet.of(BindingMode.U), false, BindingMode.U),
                new Server(FIRST_SSID, 60));
        Flavour flavour = Flavour.LWM2M_1_1_SENML_CBOR;
        try (LeshanDevice client = LeshanDevice.prepare(device.endpoint, device.bootstrapAccount, flavour, device.cipherSuites(),
                oldSecurity, oldServers)) {
            assertThat(client.instances(0)).hasSize(4);
            assertThat(client.instances(1)).hasSize(3);
            client.begin();
            assertThat(client.awaitBootstrap(Duration.ofSeconds(30)).success()).isTrue();
            assertHoldsExactlyTheEffectiveConfiguration(client, device, flavour);
            assertThat(client.instances(0).values()).noneMatch(r -> r.get(0).toString().contains("old-"));

            // A second bootstrap of the now configured client replaces, never duplicates.
            assertThat(client.bootstrapAgain(Duration.ofSeconds(30)).success()).isTrue();
            assertHoldsExactlyTheEffectiveConfiguration(client, device, flavour);
        }
    }

    // ---- the device and its effective configuration --------------------------------------------------

    /** A registered device, its creation response, its effective configuration, and how it authenticates. */
    private record MatrixDevice(String endpoint, BootstrapMode mode, JsonNode created, JsonNode config, Security bootstrapAccount,
            byte[] bootstrapIdentity) {

        LeshanDevice start(Flavour flavour) {
            return LeshanDevice.start(endpoint, bootstrapAccount, flavour, cipherSuites(), List.of(), List.of());
        }

        List<CipherSuite> cipherSuites() {
            return mode == BootstrapMode.PSK
                    ? List.of(CipherSuite.TLS_PSK_WITH_AES_128_CCM_8, CipherSuite.TLS_PSK_WITH_AES_128_GCM_SHA256)
                    : List.of(CipherSuite.TLS_ECDHE_ECDSA_WITH_AES_128_CCM_8, CipherSuite.TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256);
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

    /** A profile whose first server is of {@code primary} (with every Server setting), the second of {@code secondary}. */
    private static String profile(DmMode primary, DmMode secondary) {
        int first = FIRST_SSID + primary.ordinal();
        int second = FIRST_SSID + secondary.ordinal();
        String certificateUsage = primary == DmMode.X509 || primary == DmMode.EST ? ",\"certificateUsage\":1" : "";
        String name = Fixtures.unique("matrix");
        TestServer.ApiResponse created = server.call("POST", "/api/v1/profiles", """
                {"name":"%s","definition":{
                  "servers":[{"server":"%s","lifetime":700,"defaultMinPeriod":5,"defaultMaxPeriod":50,"notificationStoring":false%s},
                             {"server":"%s","binding":"U"}],
                  "accessControl":[{"objectId":3,"instanceId":0,"acl":{"%d":7,"%d":1},"owner":%d},
                                   {"objectId":5,"instanceId":65535,"acl":{"%d":16},"owner":65535}],
                  "deletePaths":["/0","/1","/2"]}}"""
                .formatted(name, dmServers.get(primary), certificateUsage, dmServers.get(secondary), first, second, first, second));
        assertThat(created.status()).as(created.toString()).isEqualTo(201);
        return name;
    }

    private static MatrixDevice register(BootstrapMode mode, String profile) throws Exception {
        String endpoint = Fixtures.unique("urn:dev:ops:matrix");
        String credential = switch (mode) {
            case PSK -> "{\"mode\":\"PSK\"}";
            case RPK -> "{\"mode\":\"RPK\"}";
            case X509 -> "{\"mode\":\"X509\"}";
            case FACTORY_X509 -> "{\"mode\":\"X509\",\"factory\":true}";
        };
        TestServer.ApiResponse response = server.call("POST", "/api/v1/devices", """
                {"endpoint":"%s","profile":"%s","bootstrapCredential":%s}""".formatted(endpoint, profile, credential));
        assertThat(response.status()).as(response.toString()).isEqualTo(201);
        JsonNode created = response.json();
        Fixtures.Device.of(created);
        JsonNode bootstrap = created.get("bootstrapCredential");
        String uri = LeshanDevice.uri(server.coaps());
        byte[] serverPublicKey = Fixtures.der(bootstrapServer.get("publicKey").asString());
        Security account;
        byte[] identity;
        switch (mode) {
            case PSK -> {
                identity = bootstrap.get("identity").asString().getBytes(StandardCharsets.UTF_8);
                account = Security.pskBootstrap(uri, identity, HexFormat.of().parseHex(bootstrap.get("key").asString()));
            }
            case RPK -> {
                identity = Fixtures.der(bootstrap.get("publicKey").asString());
                account = Security.rpkBootstrap(uri, identity, Fixtures.der(bootstrap.get("privateKey").asString()), serverPublicKey);
            }
            case X509 -> {
                identity = Fixtures.der(bootstrap.get("certificate").asString());
                account = Security.x509Bootstrap(uri, identity, Fixtures.der(bootstrap.get("privateKey").asString()),
                        bootstrapServerCertificate);
            }
            default -> {
                // An IDevID from the registered manufacturer CA naming the endpoint, as the factory would have put in.
                KeyPair keys = KeyAlgorithm.EC_P256.generate(RANDOM);
                X509Certificate idevid = new CertificateIssuer(manufacturer.issuing(), manufacturer.issuingKey(), null, null, RANDOM)
                        .issue(keys.getPublic(), CertificateProfile.device(Duration.ofDays(30)), endpoint,
                                URI.create("urn:matrix:serial:1"), CertificateIssuer.randomSerial(RANDOM), Instant.now());
                identity = idevid.getEncoded();
                account = Security.x509Bootstrap(uri, identity, keys.getPrivate().getEncoded(), bootstrapServerCertificate);
            }
        }
        TestServer.ApiResponse config = server.call("GET", "/api/v1/devices/" + endpoint + "/bootstrap-config", null);
        assertThat(config.status()).as(config.toString()).isEqualTo(200);
        return new MatrixDevice(endpoint, mode, created, config.json(), account, identity);
    }

    // ---- what the client must hold --------------------------------------------------------------------

    /**
     * The client's Security, Server and Access Control objects hold exactly the effective configuration:
     * one Security and one Server instance per configured DM server, resource by resource, the
     * configured Access Control instances, and the bootstrap account it started with.
     */
    private static void assertHoldsExactlyTheEffectiveConfiguration(LeshanDevice client, MatrixDevice device, Flavour flavour) {
        JsonNode servers = device.config.get("servers");
        assertThat(servers).hasSize(2);
        Map<Integer, Map<Integer, Object>> security = client.instances(0);
        Map<Integer, Map<Integer, Object>> serverObjects = client.instances(1);
        assertThat(security).as("Security instances: one per DM server and the bootstrap account").hasSize(servers.size() + 1);
        assertThat(serverObjects).as("Server instances: one per DM server").hasSize(servers.size());

        Map<Integer, Object> account = security.values().stream().filter(r -> Boolean.TRUE.equals(r.get(1))).findFirst()
                .orElseThrow(() -> new AssertionError("no bootstrap account in " + security));
        assertThat(account.get(0)).isEqualTo(LeshanDevice.uri(server.coaps()));
        assertThat(account.get(2)).isEqualTo((long) switch (device.mode) {
            case PSK -> 0;
            case RPK -> 1;
            case X509, FACTORY_X509 -> 2;
        });
        assertThat((byte[]) account.get(3)).as("bootstrap account /0/x/3").isEqualTo(device.bootstrapIdentity);
        assertThat(account).doesNotContainKey(10);

        for (JsonNode configured : servers) {
            String name = configured.get("server").asString();
            long ssid = configured.get("shortServerId").asLong();
            DmMode mode = DmMode.valueOf(configured.get("securityMode").asString());
            JsonNode credential = mode == DmMode.NOSEC || mode == DmMode.EST && !hasCredential(device, name) ? null
                    : device.serverCredential(name);

            Map<Integer, Object> instance = bySsid(security, 10, ssid);
            assertThat(instance.get(0)).as(name + " /0/x/0").isEqualTo(configured.get("uri").asString());
            assertThat(instance.get(1)).as(name + " /0/x/1").isEqualTo(false);
            assertThat(instance.get(2)).as(name + " /0/x/2").isEqualTo((long) mode.ordinal());
            assertThat((byte[]) instance.get(3)).as(name + " /0/x/3").isEqualTo(switch (mode) {
                case PSK -> credential.get("identity").asString().getBytes(StandardCharsets.UTF_8);
                case RPK -> Fixtures.der(credential.get("publicKey").asString());
                case X509 -> Fixtures.der(credential.get("certificate").asString());
                case NOSEC, EST -> new byte[0];
            });
            assertThat((byte[]) instance.get(4)).as(name + " /0/x/4").isEqualTo(serverKeys.get(name));
            assertThat((byte[]) instance.get(5)).as(name + " /0/x/5").isEqualTo(switch (mode) {
                case PSK -> HexFormat.of().parseHex(credential.get("key").asString());
                case RPK, X509 -> Fixtures.der(credential.get("privateKey").asString());
                case NOSEC, EST -> new byte[0];
            });
            // Certificate usage goes only into a Security object 1.1 or later: the 1.1 flavour's Discover says
            // </0>;ver=1.2, the 1.0 flavour's none (with lwm2m=1.0). Where nothing is written Leshan shows its default, 3.
            boolean usageWritten = configured.has("certificateUsage") && flavour != Flavour.LWM2M_1_0_NO_PCT;
            assertThat(String.valueOf(instance.get(15))).as(name + " /0/x/15")
                    .isEqualTo(usageWritten ? configured.get("certificateUsage").asString() : LESHAN_DEFAULT_CERTIFICATE_USAGE);
            // Nothing else: Leshan's Security object only adds its empty OSCORE link (/0/x/17).
            assertThat(new TreeSet<>(instance.keySet())).as(name + " Security resources").isSubsetOf(Set.of(0, 1, 2, 3, 4, 5, 10, 15, 17));
            assertThat(String.valueOf(instance.get(17))).as(name + " /0/x/17").isIn("null", "/65535/65535");

            Map<Integer, Object> serverInstance = bySsid(serverObjects, 0, ssid);
            assertThat(serverInstance.get(1)).as(name + " /1/x/1").isEqualTo(configured.get("lifetime").asLong());
            assertThat(serverInstance.get(2)).as(name + " /1/x/2")
                    .isEqualTo(configured.has("defaultMinPeriod") ? configured.get("defaultMinPeriod").asLong() : null);
            assertThat(serverInstance.get(3)).as(name + " /1/x/3")
                    .isEqualTo(configured.has("defaultMaxPeriod") ? configured.get("defaultMaxPeriod").asLong() : null);
            assertThat(serverInstance.get(6)).as(name + " /1/x/6").isEqualTo(configured.get("notificationStoring").asBoolean());
            assertThat(serverInstance.get(7)).as(name + " /1/x/7").isEqualTo(configured.get("binding").asString());
        }

        JsonNode accessControl = device.config.get("accessControl");
        Map<Integer, Map<Integer, Object>> acl = client.instances(2);
        assertThat(acl).as("Access Control instances").hasSize(accessControl.size());
        for (JsonNode configured : accessControl) {
            Map.Entry<Integer, Map<Integer, Object>> instance = acl.entrySet().stream()
                    .filter(e -> Long.valueOf(configured.get("objectId").asLong()).equals(e.getValue().get(0))
                            && Long.valueOf(configured.get("instanceId").asLong()).equals(e.getValue().get(1)))
                    .findFirst().orElseThrow(() -> new AssertionError("no ACL instance for " + configured + " in " + acl));
            assertThat(instance.getValue().get(3)).as("ACL owner").isEqualTo(configured.get("owner").asLong());
            Map<Integer, Object> expected = new java.util.TreeMap<>();
            configured.get("acl").properties().forEach(e -> expected.put(Integer.parseInt(e.getKey()), e.getValue().asLong()));
            assertThat(client.multiInstances(2, instance.getKey(), 2)).as("ACL of " + configured).isEqualTo(expected);
        }
    }

    private static boolean hasCredential(MatrixDevice device, String server) {
        for (JsonNode credential : device.created.get("serverCredentials")) {
            if (credential.get("server").asString().equals(server)) {
                return true;
            }
        }
        return false;
    }

    private void assertLatestSessionSucceeded(String endpoint, Flavour flavour) throws InterruptedException {
        JsonNode session = null;
        for (int attempt = 0; attempt < 100; attempt++) {
            session = server.call("GET", "/api/v1/devices/" + endpoint + "/sessions", null).json().get(0);
            if (!session.get("outcome").asString().equals("RUNNING")) {
                break;
            }
            Thread.sleep(50);
        }
        assertThat(session.get("outcome").asString()).as(session.toString()).isEqualTo("SUCCEEDED");
        assertThat(session.get("contentFormat").asInt()).isEqualTo(flavour.pct == null ? 11542 : flavour.pct.getCode());
    }

    private static Map<Integer, Object> bySsid(Map<Integer, Map<Integer, Object>> instances, int ssidResource, long ssid) {
        List<Map<Integer, Object>> matching = instances.values().stream().filter(r -> Long.valueOf(ssid).equals(r.get(ssidResource))).toList();
        assertThat(matching).as("instances with ssid " + ssid + " in " + instances).hasSize(1);
        return matching.get(0);
    }

    private static String pem(String type, byte[] der) {
        return "-----BEGIN " + type + "-----\\n" + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der)
                .replace("\n", "\\n") + "\\n-----END " + type + "-----";
    }
}
