package io.lwm2m.provisioning.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lwm2m.provisioning.bootstrap.transport.BootstrapEndpoints;
import io.micrometer.core.instrument.MeterRegistry;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import org.eclipse.californium.core.coap.CoAP.ResponseCode;
import org.eclipse.californium.core.coap.Request;
import org.eclipse.californium.core.coap.Response;
import org.eclipse.californium.scandium.dtls.Connection;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * The DTLS connection of an ended bootstrap session leaves the server's connection store once the
 * device has been quiet on it for {@code provisioning.coaps.close-after-session} (ADR 018), so the
 * store holds running sessions, not every device seen lately. A device that uses the connection
 * after its session (EST enrollment) keeps it. CoAP keeps a request's exchange for
 * {@code provisioning.coap.exchange-lifetime} (60 s, not 247 s) to answer retransmissions.
 */
class BootstrapConnectionCloseTest {

    private static TestServer server;
    private static String dmServer;

    @BeforeAll
    static void start() {
        server = TestServer.start(TestServer.newDataDir(), Map.of("provisioning.coaps.close-after-session", "3s"));
        dmServer = Fixtures.server(server, "coaps://dm.example:5684", 12, 300, "U", "PSK", true);
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void anEndedSessionsConnectionLeavesTheStoreAndTheDeviceBootstrapsAgainWithANewHandshake() throws Exception {
        Fixtures.Device device = Fixtures.device(server, dmServer);
        try (RawCoapsDevice client = RawCoapsDevice.psk(device.identity(), device.key(), BootstrapFailureTest::wellBehaved)) {
            double handshakes = handshakes();
            Response first = client.bootstrapRequest(server.coaps(), true, "ep=" + device.endpoint());
            assertThat(first.getCode()).isEqualTo(ResponseCode.CHANGED);
            awaitSessions(device.endpoint(), 1);
            Connection held = connection(client.address()).orElseThrow(() -> new AssertionError("no connection right after the session"));
            assertThat(held.hasEstablishedDtlsContext()).isTrue();
            awaitUntil("the connection leaves the store", () -> !holds(client.address()), Duration.ofSeconds(10));
            // Its session keys go with it, not when Scandium's recent-handshake list lets go of it (decision 082).
            awaitUntil("the closed connection's DTLS context is dropped", () -> !held.hasEstablishedDtlsContext(), Duration.ofSeconds(10));
            assertThat(handshakes()).isEqualTo(handshakes + 1);

            // The same client asks again: the server closed the connection, so this is a new handshake.
            Response second = client.bootstrapRequest(server.coaps(), true, "ep=" + device.endpoint());
            assertThat(second).as("second Bootstrap-Request").isNotNull();
            assertThat(second.getCode()).isEqualTo(ResponseCode.CHANGED);
            awaitSessions(device.endpoint(), 2);
            assertThat(handshakes()).isEqualTo(handshakes + 2);
            awaitUntil("the second connection leaves the store", () -> !holds(client.address()), Duration.ofSeconds(10));
        }
    }

    @Test
    void aConnectionUsedAfterItsSessionStaysOpen() throws Exception {
        Fixtures.Device device = Fixtures.device(server, dmServer);
        try (RawCoapsDevice client = RawCoapsDevice.psk(device.identity(), device.key(), BootstrapFailureTest::wellBehaved)) {
            assertThat(client.bootstrapRequest(server.coaps(), true, "ep=" + device.endpoint()).getCode())
                    .isEqualTo(ResponseCode.CHANGED);
            awaitSessions(device.endpoint(), 1);
            // What a mode-4 device does after Bootstrap-Finish: an EST request on the same connection.
            Response cacerts = client.get(server.coaps(), "/.well-known/est/crts", Duration.ofSeconds(10));
            assertThat(cacerts).as("EST crts on the bootstrap connection").isNotNull();
            double handshakes = handshakes();
            Thread.sleep(2_500); // past the quiet period and two sweeps
            assertThat(holds(client.address())).as("connection held after EST traffic").isTrue();
            Response again = client.get(server.coaps(), "/.well-known/est/crts", Duration.ofSeconds(10));
            assertThat(again.getCode()).isEqualTo(cacerts.getCode());
            assertThat(handshakes()).as("no new handshake").isEqualTo(handshakes);
        }
    }

    @Test
    void aRetransmittedBootstrapRequestIsAnsweredFromTheExchangeCacheWithoutASecondSession() throws Exception {
        Fixtures.Device device = Fixtures.device(server, dmServer);
        try (RawCoapsDevice client = RawCoapsDevice.psk(device.identity(), device.key(), BootstrapFailureTest::wellBehaved)) {
            String uri = "coaps://127.0.0.1:" + server.coaps().getPort() + "/bs?ep=" + device.endpoint();
            Request first = Request.newPost();
            first.setURI(uri);
            Response answer = client.send(first);
            assertThat(answer.getCode()).isEqualTo(ResponseCode.CHANGED);
            // What a client whose 2.04 was lost sends: the same message (message id and token) again.
            Request retransmission = Request.newPost();
            retransmission.setURI(uri);
            retransmission.setMID(first.getMID());
            retransmission.setToken(first.getToken());
            Response again = client.send(retransmission);
            assertThat(again).as("answer to the retransmission").isNotNull();
            assertThat(again.getCode()).isEqualTo(ResponseCode.CHANGED);
            assertThat(again.getMID()).as("the cached ACK").isEqualTo(answer.getMID());
            awaitSessions(device.endpoint(), 1);
            Thread.sleep(1_000);
            assertThat(server.call("GET", "/api/v1/devices/" + device.endpoint() + "/sessions", null).json().size())
                    .as("sessions: the retransmission started none").isEqualTo(1);
        }
    }

    @Test
    void aConnectionWhoseAddressAnotherDeviceTookOverStillClosesAndDropsItsKeys() throws Exception {
        Fixtures.Device first = Fixtures.device(server, dmServer);
        Fixtures.Device second = Fixtures.device(server, dmServer);
        InetSocketAddress shared;
        Connection firsts;
        try (RawCoapsDevice client = RawCoapsDevice.psk(first.identity(), first.key(), BootstrapFailureTest::wellBehaved)) {
            assertThat(client.bootstrapRequest(server.coaps(), true, "ep=" + first.endpoint()).getCode()).isEqualTo(ResponseCode.CHANGED);
            awaitSessions(first.endpoint(), 1);
            shared = client.address();
            firsts = connection(shared).orElseThrow(() -> new AssertionError("no connection right after the first session"));
        }
        // Another device behind the same NAT mapping (address and port) within the first one's quiet
        // period: the address now names its connection, and the first one's end must still close the first.
        try (RawCoapsDevice client = RawCoapsDevice.pskOn(shared, second.identity(), second.key(), BootstrapFailureTest::wellBehaved)) {
            assertThat(client.bootstrapRequest(server.coaps(), true, "ep=" + second.endpoint()).getCode())
                    .isEqualTo(ResponseCode.CHANGED);
            assertThat(firsts.hasEstablishedDtlsContext()).as("the first connection, still open when the second took its address")
                    .isTrue();
            Connection seconds = connection(shared).orElseThrow(() -> new AssertionError("no connection of the second device"));
            assertThat(seconds).isNotSameAs(firsts);
            awaitUntil("the first device's connection drops its DTLS context", () -> !firsts.hasEstablishedDtlsContext(),
                    Duration.ofSeconds(10));
            awaitSessions(second.endpoint(), 1);
            awaitUntil("the second device's connection leaves the store in its turn", () -> !holds(shared)
                    && !seconds.hasEstablishedDtlsContext(), Duration.ofSeconds(10));
        }
    }

    @Test
    void anExchangeLifetimeShorterThanAClientsRetransmissionsIsRefusedAtStart() {
        assertThatThrownBy(() -> TestServer.start(TestServer.newDataDir(), Map.of("provisioning.coap.exchange-lifetime", "10s")))
                .rootCause().hasMessageContaining("must be at least 50 s");
    }

    private static boolean holds(InetSocketAddress peer) {
        return connection(peer).isPresent();
    }

    private static Optional<Connection> connection(InetSocketAddress peer) {
        return server.bean(BootstrapEndpoints.class).dtlsConnection(peer);
    }

    private static double handshakes() {
        return server.bean(MeterRegistry.class).get("provisioning.dtls.handshakes").tag("outcome", "success").counter().count();
    }

    private static void awaitSessions(String endpoint, int succeeded) throws InterruptedException {
        awaitUntil(succeeded + " succeeded sessions of " + endpoint, () -> {
            JsonNode sessions = server.call("GET", "/api/v1/devices/" + endpoint + "/sessions", null).json();
            return sessions.valueStream().filter(s -> s.get("outcome").asString().equals("SUCCEEDED")).count() == succeeded;
        }, Duration.ofSeconds(10));
    }

    private static void awaitUntil(String what, BooleanSupplier condition, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not within " + timeout.toMillis() + " ms: " + what);
            }
            Thread.sleep(50);
        }
    }
}
