package io.lwm2m.provisioning.bootstrap.devices;

import io.lwm2m.provisioning.bootstrap.profiles.EffectiveProfile;
import io.lwm2m.provisioning.bootstrap.servers.DmServer;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Effective profiles by the row versions they were computed from: the profile's id and version,
 * the device's overrides and its DM servers' ids and versions. Any change to one of those rows
 * bumps its JPA version, so a changed profile or server is simply a new key and never served
 * stale, on this replica or another; old keys age out. Bounded, least recently used first out.
 */
final class EffectiveProfileCache {

    private final Map<String, EffectiveProfile> entries;

    EffectiveProfileCache(int capacity) {
        this.entries = new LinkedHashMap<>(64, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, EffectiveProfile> eldest) {
                return size() > capacity;
            }
        };
    }

    synchronized EffectiveProfile get(String key) {
        return entries.get(key);
    }

    synchronized void put(String key, EffectiveProfile profile) {
        entries.put(key, profile);
    }

    /**
     * The key of a device's effective profile.
     *
     * @param servers the device's DM servers in order, as {@code id:version} joined by commas; null for none
     */
    static String key(Long profileId, Long profileVersion, String overrides, String servers) {
        // Overrides last: they are free JSON text, so nothing after them needs a separator.
        return profileId + "@" + profileVersion + "|" + (servers == null ? "" : servers) + "|" + overrides;
    }

    static String key(Device device) {
        return key(device.profile() == null ? null : device.profile().id(),
                device.profile() == null ? null : device.profile().version(), device.overridesJson(),
                device.servers().isEmpty() ? null
                        : device.servers().stream().map(s -> s.id() + ":" + s.version()).collect(Collectors.joining(",")));
    }
}
