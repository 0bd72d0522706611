package io.lwm2m.provisioning.bootstrap.devices;

import io.lwm2m.provisioning.bootstrap.lwm2m.SecurityMode;
import java.util.List;

/**
 * A device to pre-register: its endpoint, the DM servers it is provisioned for, and its bootstrap
 * credential. {@code pskIdentity}/{@code pskKey} are set only when the factory supplies them;
 * otherwise the server generates both.
 */
public record NewDevice(String endpoint, List<String> servers, SecurityMode bootstrapMode, String pskIdentity,
        byte[] pskKey) {

    public NewDevice {
        servers = List.copyOf(servers);
    }

    @Override
    public String toString() {
        return "NewDevice[" + endpoint + ", servers=" + servers + ", bootstrapMode=" + bootstrapMode + "]";
    }
}
