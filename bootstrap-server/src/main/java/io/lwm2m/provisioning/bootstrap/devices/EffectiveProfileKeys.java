package io.lwm2m.provisioning.bootstrap.devices;

import io.lwm2m.provisioning.bootstrap.profiles.EffectiveProfile;
import io.lwm2m.provisioning.bootstrap.servers.DmServer;
import java.util.stream.Collectors;

/**
 * The keys of effective profiles in a {@link VersionKeyedCache}: the profile's id and version, the
 * device's overrides and its DM servers' ids and versions, each bumped by any edit of its row.
 */
final class EffectiveProfileKeys {

    private EffectiveProfileKeys() {
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
