package io.lwm2m.provisioning.bootstrap.devices;

import io.lwm2m.provisioning.bootstrap.lwm2m.DmServerAccount;
import java.util.List;

/** What one device receives in a bootstrap session, secrets included: lives only as long as the session. */
public record DeviceBootstrapConfig(long deviceId, String endpoint, DeviceState state, List<DmServerAccount> accounts) {

    public DeviceBootstrapConfig {
        accounts = List.copyOf(accounts);
    }
}
