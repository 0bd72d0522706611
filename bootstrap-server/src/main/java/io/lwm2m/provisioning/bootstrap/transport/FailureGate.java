package io.lwm2m.provisioning.bootstrap.transport;

import io.lwm2m.provisioning.bootstrap.handshakes.HandshakeFailureReason;
import io.lwm2m.provisioning.bootstrap.handshakes.HandshakeFailures;
import io.lwm2m.provisioning.bootstrap.sessions.BootstrapEvents;
import io.lwm2m.provisioning.bootstrap.settings.BootstrapSettings;
import io.lwm2m.provisioning.logging.ThrottledLog;
import java.net.DatagramPacket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.LinkedHashMap;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.eclipse.californium.scandium.DatagramFilter;
import org.eclipse.californium.scandium.dtls.AlertMessage;
import org.eclipse.californium.scandium.dtls.Connection;
import org.eclipse.californium.scandium.dtls.ConnectionId;
import org.eclipse.californium.scandium.dtls.ContentType;
import org.eclipse.californium.scandium.dtls.DTLSContext;
import org.eclipse.californium.scandium.dtls.DtlsHandshakeTimeoutException;
import org.eclipse.californium.scandium.dtls.HandshakeException;
import org.eclipse.californium.scandium.dtls.Handshaker;
import org.eclipse.californium.scandium.dtls.Record;
import org.eclipse.californium.scandium.dtls.SessionListener;
import org.eclipse.californium.scandium.dtls.cipher.CipherSuite;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.stereotype.Component;

/**
 * Follows every DTLS handshake on the bootstrap endpoint from its first record to its end, and
 * settles each failed one exactly once: with a {@link HandshakeFailureReason}, a metric, a record
 * against the device its credential belongs to ({@link HandshakeFailures}), and, only when the client
 * caused it (an authentication failure), one count against its source in the {@link FailureRateLimiter}.
 * New handshakes from a blocked source are dropped unanswered (established connections from it keep
 * working). A retransmitted Finished, or the timeout that follows a failed one, counts no second time,
 * and a failure of this server (its database) never counts against the client.
 */
@Component
class FailureGate implements DatagramFilter, SessionListener {

    private final FailureRateLimiter limiter;
    private final HandshakeFailures failures;
    private final ThrottledLog blockedLog = new ThrottledLog(LoggerFactory.getLogger(FailureGate.class), Duration.ofSeconds(10));
    private final List<BootstrapEvents> events;
    /** Handshakes in progress by connection id (the PSK lookup knows only that); bounded, oldest out. */
    private final Map<ConnectionId, Attempt> attempts = new LinkedHashMap<>(16, 0.75f, false) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<ConnectionId, Attempt> eldest) {
            return size() > 10_000;
        }
    };

    @Autowired
    FailureGate(BootstrapSettings settings, Clock clock, HandshakeFailures failures, List<BootstrapEvents> events) {
        this(new FailureRateLimiter(settings.maxFailuresPerSource(), settings.failureWindow(), clock), failures, events);
    }

    FailureGate(FailureRateLimiter limiter, HandshakeFailures failures, List<BootstrapEvents> events) {
        this.limiter = limiter;
        this.failures = failures;
        this.events = events;
    }

    /** One handshake: where it comes from, whose credential it presented, and whether its failure was settled. */
    private static final class Attempt {
        final InetSocketAddress peer;
        Long deviceId;
        String endpoint;
        String identity;
        HandshakeFailureReason knownFailure;
        boolean settled;

        Attempt(InetSocketAddress peer) {
            this.peer = peer;
        }
    }

    @Override
    public boolean onReceiving(DatagramPacket packet) {
        // Handshake records (content type 22) starting a new connection are what a flood sends.
        byte[] data = packet.getData();
        boolean handshake = packet.getLength() > 0 && data[packet.getOffset()] == ContentType.HANDSHAKE.getCode();
        return !(handshake && limiter.isBlocked(packet.getAddress()));
    }

    @Override
    public boolean onReceiving(Record record, Connection connection) {
        if (record.getType() == ContentType.HANDSHAKE && connection != null && connection.getPeerAddress() != null) {
            attempt(connection.getConnectionId(), connection.getPeerAddress());
        }
        return true;
    }

    @Override
    public void handshakeStarted(Handshaker handshaker) {
        attempt(handshaker.getConnection().getConnectionId(), handshaker.getPeerAddress());
    }

    private Attempt attempt(ConnectionId cid, InetSocketAddress peer) {
        if (cid == null) {
            return null;
        }
        synchronized (attempts) {
            return attempts.computeIfAbsent(cid, id -> new Attempt(peer));
        }
    }

    private Attempt existing(ConnectionId cid) {
        if (cid == null) {
            return null;
        }
        synchronized (attempts) {
            return attempts.get(cid);
        }
    }

    /** The PSK lookup found a live credential: a Finished that fails its MAC now means a wrong key. */
    void knownPskIdentity(ConnectionId cid, long deviceId, String endpoint, String identity) {
        Attempt attempt = existing(cid);
        if (attempt != null) {
            synchronized (attempt) {
                attempt.deviceId = deviceId;
                attempt.endpoint = endpoint;
                attempt.identity = identity;
            }
        }
    }

    /**
     * The PSK lookup found no live credential (it answers a decoy key, so the handshake fails at the
     * client's Finished exactly as with a wrong key, and probing identities learns nothing).
     */
    void unknownPskIdentity(ConnectionId cid, String identity) {
        expectFailure(cid, HandshakeFailureReason.UNKNOWN_PSK_IDENTITY, identity);
    }

    /**
     * The PSK identity belongs to no device but an enrollment group derives a key for it: a Finished
     * that fails its MAC means the client does not hold that key.
     */
    void groupPskIdentity(ConnectionId cid, String identity) {
        expectFailure(cid, HandshakeFailureReason.WRONG_GROUP_KEY, identity);
    }

    /** The PSK lookup itself failed (the database): the handshake fails, and it is not the client's doing. */
    void lookupFailed(ConnectionId cid, String identity) {
        expectFailure(cid, HandshakeFailureReason.SERVER_ERROR, identity);
    }

    private void expectFailure(ConnectionId cid, HandshakeFailureReason reason, String identity) {
        Attempt attempt = existing(cid);
        if (attempt != null) {
            synchronized (attempt) {
                attempt.knownFailure = reason;
                attempt.identity = identity;
            }
        }
    }

    /** The certificate verifier refused the client's certificate or raw public key, for {@code reason}. */
    void credentialRefused(ConnectionId cid, InetSocketAddress peer, HandshakeFailureReason reason, Long deviceId,
            String endpoint, String identity) {
        Attempt attempt = attempt(cid, peer);
        if (attempt == null) {
            attempt = new Attempt(peer);
        }
        synchronized (attempt) {
            attempt.deviceId = deviceId;
            attempt.endpoint = endpoint;
            attempt.identity = identity;
        }
        settle(attempt, reason);
    }

    /**
     * A record that fails its MAC. In a handshake it is the client's Finished under a key derived
     * from the wrong PSK (or the decoy of an unknown identity): settled at once, and the connection
     * dropped, so the client's retransmissions meet nothing. On an established connection it counts
     * against its source.
     */
    @Override
    public boolean onMacError(Record record, Connection connection) {
        if (connection == null || connection.getPeerAddress() == null) {
            return false;
        }
        Attempt attempt = existing(connection.getConnectionId());
        if (attempt == null) {
            clientFailed(connection.getPeerAddress().getAddress(), HandshakeFailureReason.BAD_MAC.label());
            return false;
        }
        HandshakeFailureReason reason;
        synchronized (attempt) {
            reason = attempt.knownFailure != null ? attempt.knownFailure
                    : attempt.deviceId != null ? HandshakeFailureReason.WRONG_KEY : HandshakeFailureReason.BAD_MAC;
        }
        settle(attempt, reason);
        return true;
    }

    @Override
    public void handshakeFailed(Handshaker handshaker, Throwable error) {
        events.forEach(e -> e.handshake(false));
        Attempt attempt;
        synchronized (attempts) {
            attempt = handshaker.getConnection().getConnectionId() == null ? null
                    : attempts.remove(handshaker.getConnection().getConnectionId());
        }
        if (attempt == null) {
            attempt = new Attempt(handshaker.getPeerAddress());
        }
        HandshakeFailureReason known;
        synchronized (attempt) {
            known = attempt.knownFailure;
        }
        settle(attempt, known != null ? known : classify(handshaker, error));
    }

    /**
     * Scandium's failure, by its type and alert rather than its wording: a handshake that failed
     * before any cipher suite was agreed, with a handshake_failure alert, found nothing in common.
     */
    static HandshakeFailureReason classify(Handshaker handshaker, Throwable error) {
        if (error instanceof DtlsHandshakeTimeoutException) {
            return HandshakeFailureReason.TIMEOUT;
        }
        if (error instanceof HandshakeException handshake && handshake.getAlert() != null) {
            AlertMessage alert = handshake.getAlert();
            boolean negotiated = handshaker.getSession() != null && handshaker.getSession().getCipherSuite() != null
                    && handshaker.getSession().getCipherSuite() != CipherSuite.TLS_NULL_WITH_NULL_NULL;
            if (!negotiated && (alert.getDescription() == AlertMessage.AlertDescription.HANDSHAKE_FAILURE
                    || alert.getDescription() == AlertMessage.AlertDescription.UNSUPPORTED_CERTIFICATE)) {
                return HandshakeFailureReason.NO_COMMON_CIPHER_SUITE;
            }
            if (handshaker.getFailureCause() == error && alert.getLevel() == AlertMessage.AlertLevel.FATAL
                    && handshake.getMessage() != null && handshake.getMessage().startsWith("Received ")) {
                return HandshakeFailureReason.CLIENT_ALERT;
            }
        }
        return HandshakeFailureReason.OTHER;
    }

    /** Settles a failed handshake once: metric, device record, and a limiter count when the client caused it. */
    private void settle(Attempt attempt, HandshakeFailureReason reason) {
        Long deviceId;
        String endpoint;
        String identity;
        synchronized (attempt) {
            if (attempt.settled) {
                return;
            }
            attempt.settled = true;
            deviceId = attempt.deviceId;
            endpoint = attempt.endpoint;
            identity = attempt.identity;
        }
        events.forEach(e -> e.handshakeFailed(reason));
        if (reason.clientCaused()) {
            clientFailed(attempt.peer.getAddress(), reason.label());
        }
        failures.record(deviceId, endpoint, reason, format(attempt.peer), identity);
    }

    /** A Bootstrap-Request or Bootstrap-Pack-Request this server refused because of what the client sent. */
    void refusedRequest(InetAddress source) {
        clientFailed(source, "refused-request");
    }

    /** Whether new handshakes and requests from {@code source} are refused for now. */
    boolean isBlocked(InetAddress source) {
        return limiter.isBlocked(source);
    }

    /** Counts a client-caused failure against its source, and reports the source when that blocks it. */
    private void clientFailed(InetAddress source, String last) {
        if (limiter.recordFailure(source)) {
            events.forEach(BootstrapEvents::sourceBlocked);
            blockedLog.warn("Blocking new handshakes and Bootstrap-Requests from " + source.getHostAddress() + " for "
                    + limiter.remaining(source).toSeconds() + " s: it reached the limit of client-caused failures"
                    + " (the last: " + last + "); behind a NAT that is every device there", null);
        }
    }

    private static String format(InetSocketAddress peer) {
        return peer.getAddress().getHostAddress() + ":" + peer.getPort();
    }

    @Override
    public void contextEstablished(Handshaker handshaker, DTLSContext context) {
        // nothing to count
    }

    @Override
    public void handshakeCompleted(Handshaker handshaker) {
        events.forEach(e -> e.handshake(true));
        ConnectionId cid = handshaker.getConnection().getConnectionId();
        if (cid != null) {
            synchronized (attempts) {
                attempts.remove(cid);
            }
        }
    }

    @Override
    public void handshakeFlightRetransmitted(Handshaker handshaker, int flight) {
        // retransmissions are normal on lossy links
    }
}
