package io.lwm2m.provisioning.bootstrap.transport;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetSocketAddress;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.eclipse.californium.core.coap.CoAP;
import org.eclipse.californium.core.coap.Request;
import org.eclipse.californium.core.config.CoapConfig;
import org.eclipse.californium.core.network.Exchange;
import org.eclipse.californium.core.network.KeyMID;
import org.eclipse.californium.elements.config.Configuration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Deduplication as Californium's, plus forgetting a closed connection's exchanges. */
class ConnectionScopedDeduplicatorTest {

    private static final InetSocketAddress DEVICE = new InetSocketAddress("127.0.0.1", 40001);
    private static final InetSocketAddress OTHER = new InetSocketAddress("127.0.0.1", 40002);

    private final ScheduledExecutorService executor = Executors.newSingleThreadScheduledExecutor();

    @AfterEach
    void stop() {
        executor.shutdownNow();
    }

    @Test
    void aRetransmissionFindsTheFirstExchangeUntilTheConnectionIsClosed() {
        ConnectionScopedDeduplicator deduplicator = started(CoapConfig.DEFAULT_EXCHANGE_LIFETIME_IN_SECONDS * 1000);
        Exchange first = exchange(DEVICE);
        Exchange other = exchange(OTHER);
        assertThat(deduplicator.findPrevious(new KeyMID(7, DEVICE), first)).isNull();
        assertThat(deduplicator.findPrevious(new KeyMID(7, OTHER), other)).as("another peer, same MID").isNull();
        assertThat(deduplicator.findPrevious(new KeyMID(7, DEVICE), exchange(DEVICE))).as("a retransmission").isSameAs(first);
        assertThat(deduplicator.size()).isEqualTo(2);

        deduplicator.forget(DEVICE);

        assertThat(deduplicator.find(new KeyMID(7, DEVICE))).isNull();
        assertThat(deduplicator.find(new KeyMID(7, OTHER))).as("other peers keep theirs").isSameAs(other);
        assertThat(deduplicator.size()).isEqualTo(1);
        Exchange fresh = exchange(DEVICE);
        assertThat(deduplicator.findPrevious(new KeyMID(7, DEVICE), fresh)).as("a new connection's request").isNull();
        deduplicator.forget(new InetSocketAddress("127.0.0.1", 40009)); // never seen: nothing happens
        assertThat(deduplicator.size()).isEqualTo(2);
    }

    @Test
    void exchangesLeaveAfterTheExchangeLifetimeWithTheirIndex() throws Exception {
        ConnectionScopedDeduplicator deduplicator = started(200);
        deduplicator.findPrevious(new KeyMID(1, DEVICE), exchange(DEVICE));
        deduplicator.findPrevious(new KeyMID(2, DEVICE), exchange(DEVICE));
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (!deduplicator.isEmpty() && System.nanoTime() < until) {
            Thread.sleep(20);
        }
        assertThat(deduplicator.isEmpty()).as("swept after 200 ms").isTrue();
        deduplicator.forget(DEVICE);
        assertThat(deduplicator.size()).isZero();
    }

    @Test
    void replacingThePreviousExchangeKeepsOneEntry() {
        ConnectionScopedDeduplicator deduplicator = started(60_000);
        Exchange first = exchange(DEVICE);
        Exchange second = exchange(DEVICE);
        KeyMID key = new KeyMID(9, DEVICE);
        deduplicator.findPrevious(key, first);
        assertThat(deduplicator.replacePrevious(key, first, second)).isTrue();
        assertThat(deduplicator.find(key)).isSameAs(second);
        assertThat(deduplicator.size()).isEqualTo(1);
        deduplicator.stop();
        assertThat(deduplicator.isEmpty()).isTrue();
    }

    private ConnectionScopedDeduplicator started(long lifetimeMillis) {
        Configuration config = Configuration.createStandardWithoutFile();
        config.set(CoapConfig.EXCHANGE_LIFETIME, lifetimeMillis, TimeUnit.MILLISECONDS);
        config.set(CoapConfig.MARK_AND_SWEEP_INTERVAL, 50, TimeUnit.MILLISECONDS);
        ConnectionScopedDeduplicator deduplicator = new ConnectionScopedDeduplicator(config);
        deduplicator.setExecutor(executor);
        deduplicator.start();
        return deduplicator;
    }

    private static Exchange exchange(InetSocketAddress peer) {
        Request request = new Request(CoAP.Code.POST, CoAP.Type.CON);
        return new Exchange(request, peer, Exchange.Origin.REMOTE, Runnable::run);
    }
}
