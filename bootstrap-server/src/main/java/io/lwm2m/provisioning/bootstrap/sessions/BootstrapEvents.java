package io.lwm2m.provisioning.bootstrap.sessions;

import io.lwm2m.provisioning.bootstrap.lwm2m.SecurityMode;
import java.time.Duration;

/**
 * What happens on the bootstrap interface, for whoever counts it (metrics). Implementations must
 * be fast and never throw; they are called on the CoAP and DTLS threads.
 */
public interface BootstrapEvents {

    /** A Bootstrap-Request was refused before any session started. */
    default void requestRefused(ResponseCode code, BootstrapFailure failure, SecurityMode securityMode) {
    }

    /** A session started. */
    default void sessionStarted(SecurityMode securityMode) {
    }

    /**
     * A session ended.
     *
     * @param failure why it failed (its category is the metrics' bounded label), or null when it succeeded
     */
    default void sessionEnded(SessionOutcome outcome, BootstrapFailure failure, SecurityMode securityMode, Duration duration) {
    }

    /** A DTLS handshake completed or failed. */
    default void handshake(boolean success) {
    }

    /** Session history writes were dropped: the queue was full (the database down for long), or the database refused them. */
    default void historyDropped(int writes) {
    }

    /** A source address reached the limit of client-caused failures: its new handshakes and requests are refused for a while. */
    default void sourceBlocked() {
    }

    /** A DTLS handshake failed, for this reason (told once per failed handshake). */
    default void handshakeFailed(io.lwm2m.provisioning.bootstrap.handshakes.HandshakeFailureReason reason) {
    }

    /**
     * A DTLS record crossed the cluster port.
     *
     * @param kind {@code forwarded} (received here for the node owning its Connection ID, sent on),
     *             {@code received} (forwarded here by a peer), {@code backwarded} (an answer sent back
     *             through the peer that received the device's record), {@code returned} (such an
     *             answer sent out here for a peer), {@code dropped} (no such node, or not reachable),
     *             {@code rejected} (failed the cluster MAC)
     */
    default void clusterRecord(String kind) {
    }

    /** DTLS connections were closed because the credential they were authenticated with ended. */
    default void connectionsClosed(int count) {
    }
}
