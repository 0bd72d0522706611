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
 * store (ADR 018). Without this the store keeps every bootstrap connection until it is full.
 * <p>
 * A connection stays open while another session runs on it (a second Bootstrap-Request on the
 * same connection supersedes the first, whose end must not close the second's connection), and
 * for good once the device sends any request on it after its session ended: that is a mode-4
 * device enrolling over its bootstrap connection (EST), or a new Bootstrap-Request. Such a
 * connection is left to the store's stale-connection eviction, as every connection was before.
 * The work runs on a sweep thread and the connection's own DTLS executor, off the CoAP threads.
 */
final class EndedSessionConnections implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(EndedSessionConnections.class);

    private final DTLSConnector connector;
    private final ResumptionSupportingConnectionStore store;
    private final long quietNanos;
    private final ScheduledExecutorService sweeper;
    /** Sessions running per DTLS peer (nearly always 0 or 1). */
    private final ConcurrentMap<InetSocketAddress, Integer> running = new ConcurrentHashMap<>();
    /** Peers whose last session ended and who have sent nothing since: the value identifies that end. */
    private final ConcurrentMap<InetSocketAddress, Ended> quiet = new ConcurrentHashMap<>();
    /** The same ends in the order they happened, for the sweep. */
    private final Queue<Ended> due = new ConcurrentLinkedQueue<>();

    /** A session's end on {@code peer}, whose DTLS session was set up at {@code handshakeTime} by {@code identity}. */
    private record Ended(InetSocketAddress peer, Principal identity, Long handshakeTime, Bytes connectionId, long atNanos) {
    }

    /**
     * @param quietPeriod how long after a session's end the device must have sent nothing on the
     *                    connection before it is closed; negative: never close
     */
    EndedSessionConnections(DTLSConnector connector, ResumptionSupportingConnectionStore store, Duration quietPeriod,
            WorkerPools pools) {
        this.connector = connector;
        this.store = store;
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
        if (enabled(peer)) {
            quiet.remove(peer.getPeerAddress());
            running.merge(peer.getPeerAddress(), 1, Integer::sum);
        }
    }

    /** The session started on {@code peer} ended; its connection closes once the device stays quiet. */
    void sessionEnded(EndpointContext peer) {
        if (!enabled(peer)) {
            return;
        }
        InetSocketAddress address = peer.getPeerAddress();
        Integer left = running.computeIfPresent(address, (a, n) -> n > 1 ? n - 1 : null);
        if (left == null) {
            quietAfter(peer);
        }
    }

    /** A single-exchange session (Bootstrap-Pack) was answered on {@code peer}. */
    void exchangeEnded(EndpointContext peer) {
        if (enabled(peer) && !running.containsKey(peer.getPeerAddress())) {
            quietAfter(peer);
        }
    }

    /** The device at {@code peer} sent a request: its connection is in use again and stays open. */
    void requestReceived(InetSocketAddress peer) {
        if (!quiet.isEmpty()) {
            quiet.remove(peer);
        }
    }

    private boolean enabled(EndpointContext peer) {
        return sweeper != null && peer instanceof DtlsEndpointContext;
    }

    private void quietAfter(EndpointContext peer) {
        Ended end = new Ended(peer.getPeerAddress(), peer.getPeerIdentity(),
                peer.get(DtlsEndpointContext.KEY_HANDSHAKE_TIMESTAMP), peer.get(DtlsEndpointContext.KEY_READ_CONNECTION_ID),
                System.nanoTime());
        quiet.put(end.peer(), end);
        due.add(end);
    }

    private void sweep() {
        try {
            long now = System.nanoTime();
            for (Ended end = due.peek(); end != null && now - end.atNanos() >= quietNanos; end = due.peek()) {
                due.poll();
                // Gone from the map: the device sent a request since, or a later end replaced this one.
                if (quiet.remove(end.peer(), end) && !running.containsKey(end.peer())) {
                    close(end);
                }
            }
        } catch (RuntimeException e) {
            log.warn("Closing the DTLS connections of ended bootstrap sessions failed", e);
        }
    }

    private void close(Ended end) {
        Connection connection = store.get(end.peer());
        if (connection == null && end.connectionId() != null) {
            connection = store.get(new ConnectionId(end.connectionId().getBytes()));
        }
        if (connection == null || !sameSession(connection, end)) {
            return; // already evicted or closed, or the address now belongs to a newer connection
        }
        Connection toRemove = connection;
        try {
            // Both run on the connection's serial executor: the CLOSE_NOTIFY leaves before the removal.
            connector.close(end.peer());
            toRemove.getExecutor().execute(() -> store.remove(toRemove, true));
        } catch (RejectedExecutionException e) {
            log.debug("The DTLS connection of {} is already shut down", end.peer());
        }
    }

    private static boolean sameSession(Connection connection, Ended end) {
        DTLSContext context = connection.getEstablishedDtlsContext();
        return context != null && end.handshakeTime() != null && context.getLastHandshakeTime() == end.handshakeTime()
                && Objects.equals(connection.getEstablishedPeerIdentity(), end.identity());
    }

    @Override
    public void close() {
        if (sweeper != null) {
            sweeper.shutdownNow();
        }
    }
}
