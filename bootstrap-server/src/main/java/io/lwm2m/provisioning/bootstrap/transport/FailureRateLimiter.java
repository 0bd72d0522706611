package io.lwm2m.provisioning.bootstrap.transport;

import java.net.InetAddress;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * Counts failed handshakes and refused Bootstrap-Requests per source address in a fixed window.
 * A source over the limit is blocked until its window ends, so a flood from a few addresses
 * cannot starve real devices of handshake and database capacity.
 */
final class FailureRateLimiter {

    private static final int MAX_TRACKED = 100_000;

    private final int maxFailures;
    private final long windowMillis;
    private final Clock clock;
    private final ConcurrentMap<InetAddress, Window> windows = new ConcurrentHashMap<>();

    FailureRateLimiter(int maxFailures, Duration window, Clock clock) {
        this.maxFailures = maxFailures;
        this.windowMillis = window.toMillis();
        this.clock = clock;
    }

    void recordFailure(InetAddress source) {
        long now = clock.millis();
        if (windows.size() > MAX_TRACKED) {
            windows.values().removeIf(w -> now - w.start >= windowMillis);
        }
        windows.compute(source, (address, window) ->
                window == null || now - window.start >= windowMillis ? new Window(now, 1) : new Window(window.start, window.count + 1));
    }

    boolean isBlocked(InetAddress source) {
        Window window = windows.get(source);
        return window != null && window.count >= maxFailures && clock.millis() - window.start < windowMillis;
    }

    private record Window(long start, int count) {
    }
}
