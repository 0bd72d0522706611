package io.lwm2m.provisioning.api.devices;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.lwm2m.provisioning.bootstrap.devices.CredentialView;
import io.lwm2m.provisioning.bootstrap.devices.DeviceQueries;
import io.lwm2m.provisioning.bootstrap.devices.DeviceView;
import io.lwm2m.provisioning.bootstrap.profiles.EffectiveProfile;
import io.lwm2m.provisioning.bootstrap.profiles.ProfileDefinition;
import java.util.List;
import java.util.Map;

/** A device's effective bootstrap configuration, with the identities of its credentials but never their secrets. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record BootstrapConfigResponse(String endpoint, String profile, boolean allowNoSec, List<String> deletePaths,
        List<Server> servers, List<ProfileDefinition.AccessControl> accessControl, Map<String, Object> est) {

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Server(String server, String uri, int shortServerId, String securityMode, int lifetime, String binding,
            boolean notificationStoring, Integer defaultMinPeriod, Integer defaultMaxPeriod, Integer disableTimeout,
            Integer certificateUsage, List<Credential> credentials) {
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Credential(long id, String mode, String identity, String certificateSerial, String status) {
    }

    public static BootstrapConfigResponse of(DeviceQueries.PlannedBootstrap planned) {
        EffectiveProfile profile = planned.profile();
        DeviceView device = planned.device();
        List<Server> servers = profile.servers().stream().map(s -> new Server(s.server().name(), s.server().uri(),
                s.server().shortServerId(), s.securityMode().name(), s.lifetime(), s.binding(), s.notificationStoring(),
                s.defaultMinPeriod(), s.defaultMaxPeriod(), s.disableTimeout(), s.certificateUsage(),
                device.serverCredentials().stream().filter(c -> s.server().name().equals(c.server()))
                        .map(BootstrapConfigResponse::credential).toList())).toList();
        return new BootstrapConfigResponse(device.endpoint(), profile.profileName(), profile.allowNoSec(), profile.deletePaths(),
                servers, profile.accessControl(), profile.est().isEmpty() ? null : profile.est());
    }

    private static Credential credential(CredentialView c) {
        return new Credential(c.id(), c.mode().name(), c.identity(), c.certificateSerial(), c.status().name());
    }
}
