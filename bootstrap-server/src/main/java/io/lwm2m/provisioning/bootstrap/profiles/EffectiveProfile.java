package io.lwm2m.provisioning.bootstrap.profiles;

import io.lwm2m.provisioning.bootstrap.lwm2m.SecurityMode;
import io.lwm2m.provisioning.bootstrap.servers.DmServer;
import java.util.List;
import java.util.Map;

/**
 * What one device receives, resolved: its profile (or the implicit one of a plain server list)
 * with the device's overrides applied and every default filled in from the server definitions.
 */
public record EffectiveProfile(String profileName, List<EffectiveServer> servers,
        List<ProfileDefinition.AccessControl> accessControl, List<String> deletePaths, boolean allowNoSec,
        Map<String, Object> est, Compatibility compatibility) {

    public static final List<String> DEFAULT_DELETE_PATHS = List.of("/0", "/1");

    /** One DM server with the settings the device gets for it. */
    public record EffectiveServer(DmServer server, SecurityMode securityMode, int lifetime, Integer defaultMinPeriod,
            Integer defaultMaxPeriod, boolean notificationStoring, String binding, Integer disableTimeout,
            Integer certificateUsage) {
    }
}
