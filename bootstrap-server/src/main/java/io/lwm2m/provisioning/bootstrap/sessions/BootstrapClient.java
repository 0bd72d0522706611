package io.lwm2m.provisioning.bootstrap.sessions;

import java.util.concurrent.CompletableFuture;

/**
 * The device as one bootstrap session reaches it, whatever the transport. The session logic talks
 * only to this, so it can be tested without a socket.
 */
public interface BootstrapClient {

    /**
     * Sends a request; the future completes with the client's answer, or exceptionally with
     * {@link ClientUnreachableException} when no answer comes (timeout, reset, send failure).
     */
    CompletableFuture<DownlinkResponse> send(DownlinkRequest request);

    /** Stops waiting for any outstanding answer. */
    void cancel();

    /**
     * The session has ended, whatever its outcome; called once, after its last answer arrived or
     * was given up on. The transport may release the connection.
     */
    default void sessionEnded() {
    }
}
