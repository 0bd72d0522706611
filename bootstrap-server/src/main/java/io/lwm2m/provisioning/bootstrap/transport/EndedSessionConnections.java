package io.lwm2m.provisioning.bootstrap.transport;

import io.lwm2m.provisioning.threads.WorkerPools;
import java.net.InetSocketAddress;
import java.security.Principal;
import java.time.Duration;
import java.util.Objects;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.eclipse.californium.elements.DtlsEndpointContext;
import org.eclipse.californium.elements.EndpointContext;
import org.eclipse.californium.elements.util.Bytes;
import org.eclipse.californium.scandium.DTLSConnector;
import org.eclipse.californium.scandium.dtls.Connection;
import org.eclipse.californium.scandium.dtls.ConnectionId;
import org.eclipse.californium.scandium.dtls.DTLSContext;
import org.eclipse.californium.scandium.dtls.ResumptionSupportingConnectionStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Closes the DTLS connection of a bootstrap session once the session has ended and the device has
 * been quiet on it for {@code quietPeriod}: a CLOSE_NOTIFY, then the connection leaves Scandium's
 * store (ADR 018) and drops its DTLS context (ADR 082). Without this the store keeps every bootstrap
 * connection until it is full.
 * <p>
 * A connection stays open while another session runs on it (a second Bootstrap-Request on the
 * same connection supersedes the first, whose end must not close the second's connection), and
 * for good once the device sends any request on it after its session ended: that is a mode-4
 * device enrolling over its bootstrap connection (EST), or a new Bootstrap-Request. Such a
 * connection is left to the store's stale-connection eviction, as every connection was before.
 * <p>
 * Sessions are told apart by their DTLS session (peer address and handshake time), not by the
 * address alone: a device behind a NAT, or a client that picks a random source port, may hand its
 * address to another device's handshake within seconds. The connection is taken at the session's
 * end, so the one closed later is that session's even when its address has moved on (ADR 082).
 * The work runs on a sweep thread and the connection's own DTLS executor, off the CoAP threads.
 */
final class EndedSessionConnections implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(EndedSessionConnections.class);

    private final DTLSConnector connector;
    private final ResumptionSupportingConnectionStore store;
    private final ConnectionScopedDeduplicator deduplicator;
    private final long quietNanos;
    private final ScheduledExecutorService sweeper;
    /** Sessions running per DTLS session (nearly always 0 or 1). */
    private final ConcurrentMap<Link, Integer> running = new ConcurrentHashMap<>();
    /** DTLS sessions whose last bootstrap session ended and whose device has sent nothing since. */
    private final ConcurrentMap<Link, Ended> quiet = new ConcurrentHashMap<>();
    /** The same ends in the order they happened, for the sweep. */
    private final Queue<Ended> due = new ConcurrentLinkedQueue<>();

    /** One DTLS session: the peer's address and the time its handshake completed. */
    private record Link(InetSocketAddress peer, long handshakeTime) {

        /** The link of a DTLS endpoint context, or null for one without a handshake time. */
        static Link of(EndpointContext context) {
            Long time = context.get(DtlsEndpointContext.KEY_HANDSHAKE_TIMESTAMP);
            return time == null ? null : new Link(context.getPeerAddress(), time);
        }
    }

    /** A session's end on {@code link}, whose connection was {@code connection} then. */
    private record Ended(Link link, Connection connection, long atNanos) {
    }

    /**
     * @param quietPeriod how long after a session's end the device must have sent nothing on the
     *                    connection before it is closed; negative: never close
     */
    EndedSessionConnections(DTLSConnector connector, ResumptionSupportingConnectionStore store, Duration quietPeriod,
            ConnectionScopedDeduplicator deduplicator, WorkerPools pools) {
        this.connector = connector;
        this.store = store;
        this.deduplicator = deduplicator;
        this.quietNanos = quietPeriod.toNanos();
        if (quietPeriod.isNegative()) {
            this.sweeper = null;
        } else {
            this.sweeper = pools.timer("dtls-ended-session-closer");
            long every = Math.max(50, Math.min(1_000, quietPeriod.toMillis() / 4));
            sweeper.scheduleWithFixedDelay(this::sweep, every, every, TimeUnit.MILLISECONDS);
        }
    }

    /** A bootstrap session starts on the connection of {@code peer} (a DTLS endpoint context). */
    void sessionStarted(EndpointContext peer) {
        Link link = linkOf(peer);
        if (link != null) {
            quiet.remove(link);
            running.merge(link, 1, Integer::sum);
        }
    }

    /** The session started on {@code peer} ended; its connection closes once the device stays quiet. */
    void sessionEnded(EndpointContext peer) {
        Link link = linkOf(peer);
        if (link != null && running.computeIfPresent(link, (l, n) -> n > 1 ? n - 1 : null) == null) {
            quietAfter(link, peer);
        }
    }

    /** A single-exchange session (Bootstrap-Pack) was answered on {@code peer}. */
    void exchangeEnded(EndpointContext peer) {
        Link link = linkOf(peer);
        if (link != null && !running.containsKey(link)) {
            quietAfter(link, peer);
        }
    }

    /** The device sent a request on the DTLS session of {@code peer}: its connection is in use again and stays open. */
    void requestReceived(EndpointContext peer) {
        if (!quiet.isEmpty()) {
            Link link = Link.of(peer);
            if (link != null) {
                quiet.remove(link);
            }
        }
    }

    private Link linkOf(EndpointContext peer) {
        return sweeper != null && peer instanceof DtlsEndpointContext ? Link.of(peer) : null;
    }

    private void quietAfter(Link link, EndpointContext peer) {
        Connection connection = store.get(link.peer());
        Bytes cid = peer.get(DtlsEndpointContext.KEY_READ_CONNECTION_ID);
        if (connection == null && cid != null) {
            connection = store.get(new ConnectionId(cid.getBytes())); // moved to another address (Connection ID)
        }
        if (connection == null || !sameSession(connection, link, peer.getPeerIdentity())) {
            return; // already closed or evicted (a CLOSE_NOTIFY of the device, a revocation)
        }
        Ended end = new Ended(link, connection, System.nanoTime());
        quiet.put(link, end);
        due.add(end);
    }

    private void sweep() {
        try {
            long now = System.nanoTime();
            for (Ended end = due.peek(); end != null && now - end.atNanos() >= quietNanos; end = due.peek()) {
                due.poll();
                // Gone from the map: the device sent a request since, or a later end replaced this one.
                if (quiet.remove(end.link(), end) && !running.containsKey(end.link())) {
                    close(end);
                }
            }
        } catch (RuntimeException e) {
            log.warn("Closing the DTLS connections of ended bootstrap sessions failed", e);
        }
    }

    private void close(Ended end) {
        Connection connection = end.connection();
        InetSocketAddress peer = end.link().peer();
        // False when a newer handshake from the same address took it over: no CLOSE_NOTIFY to that
        // address then, and the exchanges under it are the newer connection's. (A connection that took
        // the address a moment ago has no DTLS context yet, and close() leaves such a one alone.)
        boolean ownsAddress = store.get(peer) == connection;
        try {
            if (ownsAddress) {
                connector.close(peer);
            }
            // On the connection's serial executor, after the CLOSE_NOTIFY.
            connection.getExecutor().execute(() -> {
                store.remove(connection, true);
                // Scandium's recent-handshake list (duplicate-ClientHello filter) holds a completed connection
                // for up to 135 s: dropping its DTLS context now wipes the session keys and leaves that list a
                // bare connection.
                if (connection.hasEstablishedDtlsContext()) {
                    connection.resetContext();
                }
                if (ownsAddress) {
                    deduplicator.forget(peer);
                }
            });
        } catch (RejectedExecutionException e) {
            log.debug("The DTLS connection of {} is already shut down", peer);
        }
    }

    private static boolean sameSession(Connection connection, Link link, Principal identity) {
        DTLSContext context = connection.getEstablishedDtlsContext();
        return context != null && context.getLastHandshakeTime() == link.handshakeTime()
                && Objects.equals(connection.getEstablishedPeerIdentity(), identity);
    }

    @Override
    public void close() {
        if (sweeper != null) {
            sweeper.shutdownNow();
        }
    }
}
