package io.lwm2m.provisioning.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.lwm2m.provisioning.app.EmbeddedDatabase;
import io.lwm2m.provisioning.bootstrap.transport.BootstrapEndpoints;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Function;
import org.eclipse.californium.core.coap.CoAP.ResponseCode;
import org.eclipse.californium.core.coap.Request;
import org.eclipse.californium.core.coap.Response;
import org.eclipse.californium.elements.AddressEndpointContext;
import org.eclipse.californium.elements.RawData;
import org.eclipse.californium.elements.config.Configuration;
import org.eclipse.californium.scandium.DTLSConnector;
import org.eclipse.californium.scandium.config.DtlsConfig;
import org.eclipse.californium.scandium.config.DtlsConnectorConfig;
import org.eclipse.californium.scandium.dtls.pskstore.AdvancedSinglePskStore;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * Two replicas of the server on loopback against one PostgreSQL, in one DTLS cluster (node ids 0
 * and 1): records a load balancer sends to the wrong replica reach the one holding their
 * connection, either replica serves any device, the cluster port acts only on authenticated peers,
 * and a revocation on one replica closes the connection held by the other.
 */
class ClusterEndToEndTest {

    private static final String CLUSTER_IDENTITY = "lwm2m-provisioning-cluster";
    private static EmbeddedDatabase database;
    private static TestServer a;
    private static TestServer b;
    private static String admin;
    private static String clusterSecret;
    private static String dmServer;

    @BeforeAll
    static void startTwoReplicas() throws Exception {
        TestOutput.install();
        database = EmbeddedDatabase.temporary();
        TestOutput.rememberSecret(database.password());
        String kek = randomBase64();
        clusterSecret = randomBase64();
        TestOutput.rememberSecret(kek);
        TestOutput.rememberSecret(clusterSecret);
        Map<String, Object> common = new HashMap<>();
        common.put("spring.datasource.url", database.jdbcUrl());
        common.put("spring.datasource.username", database.username());
        common.put("spring.datasource.password", database.password());
        common.put("provisioning.secrets.kek", kek);
        common.put("provisioning.cluster.enabled", true);
        common.put("provisioning.cluster.secret", clusterSecret);
        common.put("provisioning.cluster.address", "127.0.0.1");
        common.put("provisioning.cluster.port", 0);
        common.put("provisioning.cluster.discovery-interval", "300ms");

        Map<String, Object> first = new HashMap<>(common);
        first.put("provisioning.cluster.node-id", 0);
        a = TestServer.start(TestServer.newDataDir(), first);
        Map<String, Object> second = new HashMap<>(common);
        // As a StatefulSet's second pod: the ordinal of POD_NAME is the node id.
        second.put("POD_NAME", "provisioning-1");
        second.put("provisioning.cluster.peers", "127.0.0.1:" + clusterAddress(a).getPort());
        b = TestServer.start(TestServer.newDataDir(), second);

        admin = "Bearer " + a.adminKey();
        await(() -> a.bean(BootstrapEndpoints.class).clusterPeers().contains(1)
                && b.bean(BootstrapEndpoints.class).clusterPeers().contains(0), "the replicas find each other");
        dmServer = Fixtures.server(a, "coaps://dm.example:5684", 101, 300, "U", "PSK", true);
    }

    @AfterAll
    static void stop() throws Exception {
        if (b != null) {
            b.close();
        }
        if (a != null) {
            a.close();
        }
        if (database != null) {
            database.close();
        }
    }

    @Test
    void recordsOfAConnectionMadeOnAReachItWhenTheBalancerSendsThemToB() throws Exception {
        Fixtures.Device device = Fixtures.device(a, dmServer);
        double forwarded = records(b, "forwarded");
        double received = records(a, "received");
        double backwarded = records(a, "backwarded");
        double returned = records(b, "returned");
        try (UdpRelay balancer = new UdpRelay(a.coaps());
                RawCoapsDevice client = RawCoapsDevice.pskWithConnectionId(device.identity(), device.key(), answering())) {
            // The handshake (and a first request) on A: the connection, and its Connection ID, are A's.
            Response first = client.get(balancer.address(), "/.well-known/core", Duration.ofSeconds(10));
            assertThat(first).as("the first request through the balancer, to A").isNotNull();
            assertThat(first.getCode()).isEqualTo(ResponseCode.CONTENT);
            int toA = balancer.sentTo(a.coaps());

            // The balancer's table changes: every later record of the device lands on B.
            balancer.target(b.coaps());
            Response accepted = client.bootstrapRequest(balancer.address(), true, "ep=" + device.endpoint() + "&pct=112");
            assertThat(accepted).as("answer to the Bootstrap-Request sent to B").isNotNull();
            assertThat(accepted.getCode()).isEqualTo(ResponseCode.CHANGED);
            JsonNode session = awaitSession(b, device.endpoint());
            assertThat(session.get("outcome").asString()).as(session.toString()).isEqualTo("SUCCEEDED");
            assertThat(session.get("steps").valueStream().map(s -> s.get("operation").asString()).toList())
                    .contains("Bootstrap-Discover", "Bootstrap-Write", "Bootstrap-Finish");

            assertThat(balancer.sentTo(a.coaps())).as("nothing more went to A").isEqualTo(toA);
            assertThat(balancer.sentTo(b.coaps())).isPositive();
            assertThat(records(b, "forwarded")).as("B forwarded the device's records").isGreaterThan(forwarded);
            assertThat(records(a, "received")).as("A processed them").isGreaterThan(received);
            assertThat(records(a, "backwarded")).as("A's answers went back through B").isGreaterThan(backwarded);
            assertThat(records(b, "returned")).as("B sent them to the device").isGreaterThan(returned);
        }
    }

    @Test
    void aDeviceCreatedThroughABootstrapsThroughB() throws Exception {
        Fixtures.Device device = Fixtures.device(a, dmServer);
        try (LeshanDevice client = LeshanDevice.start(device.endpoint(), b.coaps(), device.identity(), device.key(),
                LeshanDevice.Flavour.LWM2M_1_1_SENML_CBOR)) {
            LeshanDevice.Outcome outcome = client.awaitBootstrap(Duration.ofSeconds(30));
            assertThat(outcome.success()).as(outcome.toString()).isTrue();
        }
        JsonNode session = awaitSession(a, device.endpoint());
        assertThat(session.get("outcome").asString()).isEqualTo("SUCCEEDED");
    }

    @Test
    void revokingOnAClosesTheConnectionHeldByB() throws Exception {
        Fixtures.Device device = Fixtures.device(a, dmServer);
        try (RawCoapsDevice client = RawCoapsDevice.pskWithConnectionId(device.identity(), device.key(), answering())) {
            Response accepted = client.bootstrapRequest(b.coaps(), true, "ep=" + device.endpoint() + "&pct=112");
            assertThat(accepted).isNotNull();
            assertThat(accepted.getCode()).isEqualTo(ResponseCode.CHANGED);
            assertThat(awaitSession(a, device.endpoint()).get("outcome").asString()).isEqualTo("SUCCEEDED");
            assertThat(client.get(b.coaps(), "/.well-known/core", Duration.ofSeconds(5)))
                    .as("the connection on B stands before the revocation").isNotNull();
            double closedOnA = closed(a);
            double closedOnB = closed(b);

            TestServer.ApiResponse revoked = a.call("POST", "/api/v1/devices/" + device.endpoint() + "/credentials/revoke",
                    "{\"target\":\"bootstrap\",\"reason\":\"keyCompromise\"}");
            assertThat(revoked.status()).as(revoked.toString()).isEqualTo(200);

            await(() -> closed(b) > closedOnB, "B closes the device's connection");
            assertThat(closed(a)).as("A held no connection of the device").isEqualTo(closedOnA);
            assertThat(client.get(b.coaps(), "/.well-known/core", Duration.ofSeconds(3)))
                    .as("B no longer knows the connection").isNull();
        }
    }

    @Test
    void theClusterPortActsOnlyOnPeersHoldingTheClusterSecret() throws Exception {
        InetSocketAddress clusterPort = clusterAddress(b);
        try (DatagramSocket attacker = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
                DatagramSocket victim = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
            // A forged "send this back to the device" record: unauthenticated, B must not send it from
            // its public port to the address in its header.
            byte[] payload = "not from a cluster peer, and much longer than a record header".getBytes(StandardCharsets.US_ASCII);
            byte[] forged = new byte[4 + 4 + 8 + payload.length];
            forged[0] = 62;
            forged[1] = (byte) victim.getLocalPort();
            forged[2] = (byte) (victim.getLocalPort() >> 8);
            forged[3] = 4;
            System.arraycopy(InetAddress.getLoopbackAddress().getAddress(), 0, forged, 4, 4);
            System.arraycopy(payload, 0, forged, 16, payload.length);
            attacker.send(new DatagramPacket(forged, forged.length, clusterPort));
            forged[0] = 63;
            attacker.send(new DatagramPacket(forged, forged.length, clusterPort));
            // A membership ping in plain UDP, claiming node 7.
            attacker.send(new DatagramPacket(new byte[] {1, 7}, 2, clusterPort));

            victim.setSoTimeout(1_500);
            DatagramPacket received = new DatagramPacket(new byte[2048], 2048);
            boolean reflected;
            try {
                victim.receive(received);
                reflected = true;
            } catch (SocketTimeoutException expected) {
                reflected = false;
            }
            assertThat(reflected).as("B sent the forged record on").isFalse();
        }
        // A DTLS peer with the wrong secret does not become a node; with the right one it does.
        assertThat(ping(clusterPort, sha256("a wrong cluster secret of some length"), 8)).as("pong to a wrong secret").isNull();
        assertThat(b.bean(BootstrapEndpoints.class).clusterPeers()).doesNotContain(7, 8);
        assertThat(ping(clusterPort, sha256(clusterSecret), 9)).as("pong to the right secret: B's node id").isEqualTo(1);
        assertThat(b.bean(BootstrapEndpoints.class).clusterPeers()).contains(0, 9);
    }

    /** Pings the cluster port over DTLS-PSK with {@code key} as node {@code nodeId}; the node id of the pong, or null. */
    private static Integer ping(InetSocketAddress clusterPort, byte[] key, int nodeId) throws Exception {
        Configuration config = new Configuration();
        DtlsConnectorConfig dtls = DtlsConnectorConfig.builder(config)
                .setAddress(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))
                .set(DtlsConfig.DTLS_ROLE, DtlsConfig.DtlsRole.CLIENT_ONLY)
                .set(DtlsConfig.DTLS_MAX_RETRANSMISSIONS, 1)
                .set(DtlsConfig.DTLS_RETRANSMISSION_TIMEOUT, 500, TimeUnit.MILLISECONDS)
                .setAdvancedPskStore(new AdvancedSinglePskStore(CLUSTER_IDENTITY, key))
                .build();
        DTLSConnector connector = new DTLSConnector(dtls);
        CompletableFuture<Integer> pong = new CompletableFuture<>();
        connector.setRawDataReceiver(raw -> {
            byte[] data = raw.getBytes();
            if (data.length == 2 && data[0] == 2) {
                pong.complete(data[1] & 0xff);
            }
        });
        connector.start();
        try {
            connector.send(RawData.outbound(new byte[] {1, (byte) nodeId}, new AddressEndpointContext(clusterPort), null, false));
            return pong.get(4, TimeUnit.SECONDS);
        } catch (java.util.concurrent.TimeoutException e) {
            return null;
        } finally {
            connector.destroy();
        }
    }

    /** Answers the server's requests as a client with one bootstrap account would. */
    private static Function<Request, Response> answering() {
        return request -> switch (request.getCode()) {
            case GET -> {
                Response r = new Response(ResponseCode.CONTENT);
                r.getOptions().setContentFormat(40);
                r.setPayload("</>;lwm2m=1.1,</0/0>;uri=\"coaps://127.0.0.1:5684\"".getBytes(StandardCharsets.UTF_8));
                yield r;
            }
            case DELETE -> new Response(ResponseCode.DELETED);
            case PUT, POST -> new Response(ResponseCode.CHANGED);
            default -> new Response(ResponseCode.METHOD_NOT_ALLOWED);
        };
    }

    /** The device's latest session once it ended, asked of {@code server} with the admin key. */
    private static JsonNode awaitSession(TestServer server, String endpoint) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        JsonNode latest = null;
        while (System.nanoTime() < deadline) {
            TestServer.ApiResponse sessions = server.call("GET", "/api/v1/devices/" + endpoint + "/sessions", null, admin);
            assertThat(sessions.status()).as(sessions.toString()).isEqualTo(200);
            List<JsonNode> list = sessions.json().valueStream().toList();
            latest = list.isEmpty() ? null : list.get(0);
            if (latest != null && !"RUNNING".equals(latest.get("outcome").asString())) {
                return latest;
            }
            Thread.sleep(100);
        }
        throw new AssertionError("no ended session of " + endpoint + ": " + latest);
    }

    private static double records(TestServer server, String kind) {
        Counter counter = server.bean(MeterRegistry.class).find("provisioning.dtls.cluster.records").tag("kind", kind).counter();
        return counter == null ? 0 : counter.count();
    }

    private static double closed(TestServer server) {
        Counter counter = server.bean(MeterRegistry.class).find("provisioning.dtls.connections.closed").counter();
        return counter == null ? 0 : counter.count();
    }

    private static InetSocketAddress clusterAddress(TestServer server) {
        return server.bean(BootstrapEndpoints.class).clusterAddress();
    }

    private static void await(BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting until " + what);
            }
            Thread.sleep(50);
        }
    }

    private static String randomBase64() {
        byte[] bytes = new byte[32];
        new SecureRandom().nextBytes(bytes);
        return Base64.getEncoder().encodeToString(bytes);
    }

    private static byte[] sha256(String secret) throws Exception {
        return MessageDigest.getInstance("SHA-256").digest(secret.getBytes(StandardCharsets.UTF_8));
    }
}
