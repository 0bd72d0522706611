package io.lwm2m.provisioning.bootstrap.devices;

import io.lwm2m.provisioning.bootstrap.sessions.DeviceBootstrapConfig;
import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * Configurations read during a PSK handshake, waiting for the Bootstrap-Request that normally
 * follows within milliseconds: taken once, and only while fresh. They hold decrypted secrets, so
 * they live briefly: anything older than {@code maxAge} is dropped, and at most {@code capacity}
 * are kept (past that, a handshake's configuration is simply not kept and the request reads it
 * again).
 */
final class HandshakePrefetch {

    private record Entry(DeviceBootstrapConfig config, long readAt) {
    }

    private final ConcurrentMap<Long, Entry> entries = new ConcurrentHashMap<>();
    private final long maxAgeNanos;
    private final int capacity;
    private final java.util.concurrent.atomic.AtomicLong lastSweep = new java.util.concurrent.atomic.AtomicLong(System.nanoTime());
    private static final long SWEEP_INTERVAL_NANOS = 1_000_000_000L;

    HandshakePrefetch(Duration maxAge, int capacity) {
        this.maxAgeNanos = maxAge.toNanos();
        this.capacity = capacity;
    }

    void put(long credentialId, DeviceBootstrapConfig config) {
        long now = System.nanoTime();
        sweep(now);
        if (entries.size() < capacity) {
            entries.put(credentialId, new Entry(config, now));
        }
    }

    /** The configuration read for this credential's handshake, if fresh; null otherwise. */
    DeviceBootstrapConfig take(long credentialId) {
        sweep(System.nanoTime());
        Entry entry = entries.remove(credentialId);
        return entry == null || System.nanoTime() - entry.readAt() > maxAgeNanos ? null : entry.config();
    }

    /** Drops stale entries, at most once a second (handshakes without a Bootstrap-Request leave them). */
    private void sweep(long now) {
        long last = lastSweep.get();
        if (now - last > SWEEP_INTERVAL_NANOS && lastSweep.compareAndSet(last, now)) {
            entries.values().removeIf(e -> now - e.readAt() > maxAgeNanos);
        }
    }

    int size() {
        return entries.size();
    }
}
