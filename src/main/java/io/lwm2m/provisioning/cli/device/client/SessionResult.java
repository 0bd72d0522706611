package io.lwm2m.provisioning.cli.device.client;

/**
 * How one simulated bootstrap went; times from {@link System#nanoTime()}, -1 when a step never
 * happened. {@code failure} is null for a completed bootstrap; {@code kind} then too.
 *
 * @param cipherSuite  the DTLS cipher suite the handshake agreed on (null without DTLS or handshake)
 * @param requestCode  the answer to the Bootstrap-Request (or Bootstrap-Pack-Request), e.g. "2.04"
 */
public record SessionResult(String failure, Failure kind, long startNanos, long endNanos, long handshakeNanos,
        long requestAnsweredNanos, int serverRequests, int dtlsRetransmissions, String cipherSuite, String requestCode) {

    public boolean ok() {
        return failure == null;
    }
}
