package io.lwm2m.provisioning.bootstrap.devices;

import io.lwm2m.provisioning.est.EstPolicy;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Parsed EST policies, keyed by what they are made of: the profile's id and version (its
 * optimistic-lock version, bumped by every edit) and the device's overrides. An edited profile or
 * changed overrides make a new key, so nothing is ever stale and nothing needs invalidating; the
 * cache only saves resolving and parsing the same profile for every enrollment. Thread-safe.
 */
final class EstPolicies {

    /** At most this many distinct (profile version, overrides) pairs are kept; the least recently used go first. */
    static final int MAX_ENTRIES = 10_000;

    private record Key(Long profileId, long profileVersion, String overridesJson) {
    }

    private final VersionKeyedCache<Key, EstPolicy.Labelled> parsed = new VersionKeyedCache<>(MAX_ENTRIES);

    /** {@code device}'s policies; {@code est} gives its profile's effective {@code est} object when not known yet. */
    EstPolicy.Labelled of(Enrollee device, Supplier<Map<String, Object>> est) {
        Key key = new Key(device.profileId(), device.profileVersion(), device.overridesJson());
        EstPolicy.Labelled policies = parsed.get(key);
        if (policies == null) {
            policies = EstPolicy.parse(est.get());
            parsed.put(key, policies);
        }
        return policies;
    }
}
