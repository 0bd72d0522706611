package io.lwm2m.provisioning.bootstrap.devices;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

/**
 * Profiles resolved for bulk registration, kept across the batches of one job for at most
 * {@code maxAge}: resolving a profile (its servers and effective settings) costs a few
 * milliseconds, per batch that was a sizeable part of an import's JVM time (decision 017). A
 * profile edited during an import reaches its batches after {@code maxAge} at most, as it already
 * reached the batch being prepared ahead only at its turn. Used by one thread at a time.
 */
public final class ResolvedProfiles {

    private final Map<String, ProfileResolution> byName = new HashMap<>();
    private final long maxAgeNanos;
    private long resolvedAt = System.nanoTime();

    public ResolvedProfiles(Duration maxAge) {
        this.maxAgeNanos = maxAge.toNanos();
    }

    /** The resolutions still fresh enough to reuse; emptied once they are older than {@code maxAge}. */
    Map<String, ProfileResolution> current() {
        long now = System.nanoTime();
        if (now - resolvedAt > maxAgeNanos) {
            byName.clear();
            resolvedAt = now;
        }
        return byName;
    }
}
