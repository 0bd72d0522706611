package io.lwm2m.provisioning.bootstrap.profiles;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.lwm2m.provisioning.bootstrap.lwm2m.SecurityMode;
import java.util.List;
import java.util.Map;

/**
 * What a bootstrap profile says a device receives. Stored as JSON; every field optional in a
 * device's overrides, where a server entry overrides the profile's entry of the same server.
 *
 * @param servers       the DM servers and their Server-object settings
 * @param accessControl Access Control (/2) instances to write
 * @param deletePaths   what Bootstrap-Delete removes before the writes (default {@code /0}, {@code /1})
 * @param allowNoSec    whether the device may bootstrap over plain CoAP
 * @param est           EST enrollment policy (used by the EST endpoints)
 * @param compatibility settings for clients that deviate from the specification's defaults
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ProfileDefinition(List<ServerSettings> servers, List<AccessControl> accessControl, List<String> deletePaths,
        Boolean allowNoSec, Map<String, Object> est, Compatibility compatibility) {

    /**
     * One DM server in a profile; null fields fall back to the server definition (or the LwM2M default).
     *
     * @param certificateUsage /0/x/15 for X509 and EST accounts (LwM2M 1.1): 0..3
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record ServerSettings(String server, SecurityMode securityMode, Integer lifetime, Integer defaultMinPeriod,
            Integer defaultMaxPeriod, Boolean notificationStoring, String binding, Integer disableTimeout,
            Integer certificateUsage) {
    }

    /**
     * An Access Control instance: which servers (by short server id; 0 = default) may do what
     * (bit mask: 1 read, 2 write, 4 execute, 8 delete, 16 create) on one object instance (65535 =
     * create rights on the object), and its owner (ssid, 65535 = bootstrap server).
     */
    public record AccessControl(Integer objectId, Integer instanceId, Map<Integer, Integer> acl, Integer owner) {
    }

    /** The servers, or an empty list when not given (the record accessor keeps null: "not overridden"). */
    public List<ServerSettings> serverList() {
        return servers == null ? List.of() : servers;
    }

    /** The compatibility settings, or the defaults when not given. */
    public Compatibility compatibilitySettings() {
        return compatibility == null ? Compatibility.DEFAULT : compatibility;
    }

    public List<AccessControl> accessControlList() {
        return accessControl == null ? List.of() : accessControl;
    }

    /** This definition with a device's overrides applied on top. */
    public ProfileDefinition overriddenBy(ProfileDefinition overrides) {
        if (overrides == null) {
            return this;
        }
        List<ServerSettings> merged = serverList().stream().map(base -> overrides.serverList().stream()
                .filter(o -> base.server().equals(o.server())).findFirst().map(o -> merge(base, o)).orElse(base)).toList();
        return new ProfileDefinition(merged,
                overrides.accessControl != null ? overrides.accessControl : accessControl,
                overrides.deletePaths != null ? overrides.deletePaths : deletePaths,
                overrides.allowNoSec != null ? overrides.allowNoSec : allowNoSec,
                overrides.est != null ? overrides.est : est,
                compatibility == null ? overrides.compatibility
                        : compatibility.overriddenBy(overrides.compatibility));
    }

    private static ServerSettings merge(ServerSettings base, ServerSettings o) {
        return new ServerSettings(base.server(),
                o.securityMode() != null ? o.securityMode() : base.securityMode(),
                o.lifetime() != null ? o.lifetime() : base.lifetime(),
                o.defaultMinPeriod() != null ? o.defaultMinPeriod() : base.defaultMinPeriod(),
                o.defaultMaxPeriod() != null ? o.defaultMaxPeriod() : base.defaultMaxPeriod(),
                o.notificationStoring() != null ? o.notificationStoring() : base.notificationStoring(),
                o.binding() != null ? o.binding() : base.binding(),
                o.disableTimeout() != null ? o.disableTimeout() : base.disableTimeout(),
                o.certificateUsage() != null ? o.certificateUsage() : base.certificateUsage());
    }
}
