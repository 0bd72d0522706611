package io.lwm2m.provisioning.bootstrap.devices;

import io.lwm2m.provisioning.bootstrap.lwm2m.SecurityMode;
import io.lwm2m.provisioning.bootstrap.profiles.ProfileDefinition;
import java.util.List;

/**
 * A device to pre-register: its endpoint, either a profile (with optional overrides) or a plain
 * list of DM servers, and its bootstrap credential. {@code pskIdentity}/{@code pskKey} are set only
 * when the factory supplies them; {@code factoryCertificate} when the device authenticates with a
 * certificate from a registered manufacturer CA; otherwise the server generates the credential.
 */
public record NewDevice(String endpoint, List<String> servers, String profile, ProfileDefinition overrides,
        SecurityMode bootstrapMode, String pskIdentity, byte[] pskKey, boolean factoryCertificate) {

    public NewDevice {
        servers = servers == null ? List.of() : List.copyOf(servers);
    }

    public NewDevice(String endpoint, List<String> servers, SecurityMode bootstrapMode, String pskIdentity, byte[] pskKey) {
        this(endpoint, servers, null, null, bootstrapMode, pskIdentity, pskKey, false);
    }

    @Override
    public String toString() {
        return "NewDevice[" + endpoint + ", servers=" + servers + ", profile=" + profile + ", bootstrapMode=" + bootstrapMode + "]";
    }
}
