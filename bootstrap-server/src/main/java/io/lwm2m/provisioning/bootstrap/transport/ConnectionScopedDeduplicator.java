package io.lwm2m.provisioning.bootstrap.transport;

import java.net.InetSocketAddress;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.eclipse.californium.core.config.CoapConfig;
import org.eclipse.californium.core.network.Exchange;
import org.eclipse.californium.core.network.KeyMID;
import org.eclipse.californium.core.network.deduplication.Deduplicator;
import org.eclipse.californium.elements.config.Configuration;

/**
 * CoAP deduplication (RFC 7252 §4.5) of the CoAPS endpoint, scoped to DTLS connections. Like
 * Californium's mark-and-sweep deduplicator it keeps a received request's exchange for the exchange
 * lifetime, to answer a retransmission with the same response; in addition it forgets the exchanges
 * of a peer as soon as this server closes that peer's connection ({@link #forget}): a retransmission
 * sent on a closed connection can no longer be decrypted, so its exchanges only took heap. With
 * bootstrap connections closed a few seconds after their session (decision 018), that is a few
 * seconds instead of a minute of exchanges, each a few kilobytes (request, response, two endpoint
 * contexts and their attributes).
 */
final class ConnectionScopedDeduplicator implements Deduplicator {

    private record Entry(Exchange exchange, long atNanos) {
    }

    private final ConcurrentMap<KeyMID, Entry> exchanges = new ConcurrentHashMap<>();
    /** The keys of each peer (a peer address: what the DTLS endpoint's KeyMIDs hold), nearly always one or two. */
    private final ConcurrentMap<Object, Set<KeyMID>> byPeer = new ConcurrentHashMap<>();
    private final long lifetimeNanos;
    private final long sweepMillis;
    private final boolean replace;
    private ScheduledExecutorService executor;
    private ScheduledFuture<?> sweeper;

    ConnectionScopedDeduplicator(Configuration config) {
        this.lifetimeNanos = config.get(CoapConfig.EXCHANGE_LIFETIME, TimeUnit.NANOSECONDS);
        this.sweepMillis = config.get(CoapConfig.MARK_AND_SWEEP_INTERVAL, TimeUnit.MILLISECONDS);
        this.replace = config.get(CoapConfig.DEDUPLICATOR_AUTO_REPLACE);
    }

    /** The connection to {@code peer} was closed: its requests need no deduplication any more. */
    void forget(InetSocketAddress peer) {
        Set<KeyMID> keys = byPeer.remove(peer);
        if (keys != null) {
            keys.forEach(exchanges::remove);
        }
    }

    @Override
    public synchronized void start() {
        if (sweeper == null) {
            sweeper = executor.scheduleWithFixedDelay(this::sweep, sweepMillis, sweepMillis, TimeUnit.MILLISECONDS);
        }
    }

    @Override
    public synchronized void stop() {
        if (sweeper != null) {
            sweeper.cancel(false);
            sweeper = null;
            clear();
        }
    }

    @Override
    public synchronized void setExecutor(ScheduledExecutorService executor) {
        if (sweeper != null) {
            throw new IllegalStateException("the executor of a running deduplicator cannot change");
        }
        this.executor = executor;
    }

    /** The exchange already received under {@code key}, or null after recording {@code exchange} under it. */
    @Override
    public Exchange findPrevious(KeyMID key, Exchange exchange) {
        Entry current = new Entry(exchange, System.nanoTime());
        Entry previous = exchanges.putIfAbsent(key, current);
        // The same MID from another origin (a client that restarted) is a new request, as in Californium's.
        if (replace && previous != null && previous.exchange().getOrigin() != exchange.getOrigin()) {
            previous = exchanges.replace(key, previous, current) ? null : exchanges.putIfAbsent(key, current);
        }
        if (previous != null) {
            return previous.exchange();
        }
        index(key);
        return null;
    }

    @Override
    public boolean replacePrevious(KeyMID key, Exchange previous, Exchange exchange) {
        Entry current = new Entry(exchange, System.nanoTime());
        Entry old = exchanges.get(key);
        boolean recorded = old != null && old.exchange() == previous ? exchanges.replace(key, old, current)
                : exchanges.putIfAbsent(key, current) == null;
        if (recorded) {
            index(key);
        }
        return recorded;
    }

    @Override
    public Exchange find(KeyMID key) {
        Entry entry = exchanges.get(key);
        return entry == null ? null : entry.exchange();
    }

    @Override
    public boolean isEmpty() {
        return exchanges.isEmpty();
    }

    @Override
    public int size() {
        return exchanges.size();
    }

    @Override
    public void clear() {
        exchanges.clear();
        byPeer.clear();
    }

    private void index(KeyMID key) {
        byPeer.computeIfAbsent(key.getPeer(), peer -> ConcurrentHashMap.newKeySet(2)).add(key);
    }

    private void unindex(KeyMID key) {
        byPeer.computeIfPresent(key.getPeer(), (peer, keys) -> {
            keys.remove(key);
            return keys.isEmpty() ? null : keys;
        });
    }

    private void sweep() {
        long now = System.nanoTime();
        for (Map.Entry<KeyMID, Entry> entry : exchanges.entrySet()) {
            if (now - entry.getValue().atNanos() >= lifetimeNanos && exchanges.remove(entry.getKey(), entry.getValue())) {
                unindex(entry.getKey());
            }
        }
    }
}
