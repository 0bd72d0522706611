package io.lwm2m.provisioning.bootstrap.transport;

import java.net.DatagramPacket;
import java.net.InetAddress;
import java.util.LinkedHashMap;
import java.util.Map;
import org.eclipse.californium.scandium.DatagramFilter;
import org.eclipse.californium.scandium.dtls.Connection;
import org.eclipse.californium.scandium.dtls.ConnectionId;
import org.eclipse.californium.scandium.dtls.ContentType;
import org.eclipse.californium.scandium.dtls.DTLSContext;
import org.eclipse.californium.scandium.dtls.Handshaker;
import org.eclipse.californium.scandium.dtls.Record;
import org.eclipse.californium.scandium.dtls.SessionListener;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Wires the {@link FailureRateLimiter} into Scandium: every failed handshake counts against its
 * source, and new handshakes from a blocked source are dropped unanswered (established
 * connections from it keep working).
 */
final class FailureGate implements DatagramFilter, SessionListener {

    private static final Logger log = LoggerFactory.getLogger(FailureGate.class);

    private final FailureRateLimiter limiter;
    private final Map<ConnectionId, InetAddress> handshaking = new LinkedHashMap<>(16, 0.75f, false) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<ConnectionId, InetAddress> eldest) {
            return size() > 10_000;
        }
    };

    private final java.util.List<io.lwm2m.provisioning.bootstrap.sessions.BootstrapEvents> events;

    FailureGate(FailureRateLimiter limiter, java.util.List<io.lwm2m.provisioning.bootstrap.sessions.BootstrapEvents> events) {
        this.limiter = limiter;
        this.events = events;
    }

    @Override
    public boolean onReceiving(DatagramPacket packet) {
        // Handshake records (content type 22) starting a new connection are what a flood sends.
        byte[] data = packet.getData();
        boolean handshake = packet.getLength() > 0 && data[packet.getOffset()] == ContentType.HANDSHAKE.getCode();
        return !(handshake && limiter.isBlocked(packet.getAddress()));
    }

    /** Which address each handshaking connection comes from: the PSK lookup only knows the connection id. */
    @Override
    public boolean onReceiving(Record record, Connection connection) {
        if (record.getType() == ContentType.HANDSHAKE && connection != null && connection.getConnectionId() != null
                && connection.getPeerAddress() != null) {
            synchronized (handshaking) {
                handshaking.put(connection.getConnectionId(), connection.getPeerAddress().getAddress());
            }
        }
        return true;
    }

    /** A handshake presented a PSK identity of no device: counts against its source. */
    void unknownIdentity(ConnectionId cid) {
        InetAddress source;
        synchronized (handshaking) {
            source = cid == null ? null : handshaking.get(cid);
        }
        if (source != null) {
            limiter.recordFailure(source);
        } else {
            log.debug("Unknown PSK identity on connection {} of no known source", cid);
        }
    }

    /**
     * A record that fails its MAC: for a PSK handshake with an unknown identity or a wrong key this
     * is how the failure shows (Scandium answers unknown identities like wrong keys, so probing
     * learns nothing), long before the handshake times out.
     */
    @Override
    public boolean onMacError(Record record, Connection connection) {
        if (connection != null && connection.getPeerAddress() != null) {
            limiter.recordFailure(connection.getPeerAddress().getAddress());
        }
        return false;
    }

    @Override
    public void handshakeFailed(Handshaker handshaker, Throwable error) {
        events.forEach(e -> e.handshake(false));
        limiter.recordFailure(handshaker.getPeerAddress().getAddress());
        log.debug("DTLS handshake with {} failed: {}", handshaker.getPeerAddress(), error.toString());
    }

    @Override
    public void handshakeStarted(Handshaker handshaker) {
        Connection connection = handshaker.getConnection();
        if (connection != null && connection.getConnectionId() != null) {
            synchronized (handshaking) {
                handshaking.put(connection.getConnectionId(), handshaker.getPeerAddress().getAddress());
            }
        }
    }

    @Override
    public void contextEstablished(Handshaker handshaker, DTLSContext context) {
        // nothing to count
    }

    @Override
    public void handshakeCompleted(Handshaker handshaker) {
        events.forEach(e -> e.handshake(true));
    }

    @Override
    public void handshakeFlightRetransmitted(Handshaker handshaker, int flight) {
        // retransmissions are normal on lossy links
    }
}
