package io.lwm2m.provisioning.bootstrap.sessions;

import java.time.Duration;

/**
 * What happens on the bootstrap interface, for whoever counts it (metrics). Implementations must
 * be fast and never throw; they are called on the CoAP and DTLS threads.
 */
public interface BootstrapEvents {

    /** A Bootstrap-Request was refused before any session started. */
    default void requestRefused(String responseCode, String securityMode) {
    }

    /** A session started. */
    default void sessionStarted(String securityMode) {
    }

    /**
     * A session ended.
     *
     * @param reasonCategory a short, bounded label for dashboards: {@code none} on success, else
     *                       {@code timeout}, {@code client-error}, {@code superseded}, {@code shutdown}, {@code other}
     */
    default void sessionEnded(SessionOutcome outcome, String reasonCategory, String securityMode, Duration duration) {
    }

    /** A DTLS handshake completed or failed. */
    default void handshake(boolean success) {
    }
}
