package io.lwm2m.provisioning.bootstrap.transport;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import java.net.InetAddress;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * Counts client-caused failures (failed authentications, refused Bootstrap-Requests) per source
 * address in a fixed window. A source over the limit is blocked until its window ends, so a flood
 * from a few addresses cannot starve real devices of handshake and database capacity. Behind a
 * carrier NAT one address is many devices: the limit counts only what a client did wrong, once per
 * handshake, never a failure of this server (ADR 020), and a blocked source is reported.
 */
final class FailureRateLimiter {

    private static final int MAX_TRACKED = 100_000;

    private final int maxFailures;
    private final long windowMillis;
    private final Clock clock;
    /** Each source's window, gone when it ends; the least recently used beyond MAX_TRACKED give way. */
    private final Cache<InetAddress, Window> windows;

    FailureRateLimiter(int maxFailures, Duration window, Clock clock) {
        this.maxFailures = maxFailures;
        this.windowMillis = window.toMillis();
        this.clock = clock;
        this.windows = Caffeine.newBuilder()
                .maximumSize(MAX_TRACKED)
                .ticker(() -> TimeUnit.MILLISECONDS.toNanos(clock.millis()))
                .expireAfter(new Expiry<InetAddress, Window>() {
                    @Override
                    public long expireAfterCreate(InetAddress key, Window value, long currentTime) {
                        return TimeUnit.MILLISECONDS.toNanos(windowMillis);
                    }

                    @Override
                    public long expireAfterUpdate(InetAddress key, Window value, long currentTime, long currentDuration) {
                        return currentDuration; // a window is fixed from its first failure
                    }

                    @Override
                    public long expireAfterRead(InetAddress key, Window value, long currentTime, long currentDuration) {
                        return currentDuration;
                    }
                })
                .executor(Runnable::run)
                .build();
    }

    /**
     * Counts one failure of {@code source}.
     *
     * @return true when this failure blocks the source (the limit reached just now), for reporting
     */
    boolean recordFailure(InetAddress source) {
        long now = clock.millis();
        Window window = windows.asMap().compute(source, (address, w) ->
                w == null || now - w.start >= windowMillis ? new Window(now, 1) : new Window(w.start, w.count + 1));
        return window.count == maxFailures;
    }

    boolean isBlocked(InetAddress source) {
        Window window = windows.getIfPresent(source);
        return window != null && window.count >= maxFailures && clock.millis() - window.start < windowMillis;
    }

    /** When a blocked source's window ends. */
    Duration remaining(InetAddress source) {
        Window window = windows.getIfPresent(source);
        return window == null ? Duration.ZERO : Duration.ofMillis(Math.max(0, window.start + windowMillis - clock.millis()));
    }

    private record Window(long start, int count) {
    }
}
