package io.lwm2m.provisioning.bootstrap.devices;

import io.lwm2m.provisioning.bootstrap.lwm2m.SecurityMode;
import io.lwm2m.provisioning.bootstrap.profiles.ProfileDefinition;
import java.util.List;

/**
 * A device to pre-register: its endpoint, either a profile (with optional overrides) or a plain
 * list of DM servers, and its bootstrap credential. {@code pskIdentity}/{@code pskKey} are set only
 * when the factory supplies them; {@code factoryCertificate} when the device authenticates with a
 * certificate from a registered manufacturer CA; {@code rpkPublicKey} when
 * the factory supplies the device's raw public key; otherwise the server generates the credential.
 * {@code labels} are free-form tags that bulk actions select devices by.
 */
public record NewDevice(String endpoint, List<String> servers, String profile, ProfileDefinition overrides,
        SecurityMode bootstrapMode, String pskIdentity, byte[] pskKey, boolean factoryCertificate, java.security.PublicKey rpkPublicKey,
        List<String> labels) {

    public NewDevice {
        servers = servers == null ? List.of() : List.copyOf(servers);
        labels = labels == null ? List.of() : List.copyOf(labels);
    }

    public NewDevice(String endpoint, List<String> servers, String profile, ProfileDefinition overrides,
            SecurityMode bootstrapMode, String pskIdentity, byte[] pskKey, boolean factoryCertificate) {
        this(endpoint, servers, profile, overrides, bootstrapMode, pskIdentity, pskKey, factoryCertificate, null, null);
    }

    public NewDevice(String endpoint, List<String> servers, SecurityMode bootstrapMode, String pskIdentity, byte[] pskKey) {
        this(endpoint, servers, null, null, bootstrapMode, pskIdentity, pskKey, false, null, null);
    }

    @Override
    public String toString() {
        return "NewDevice[" + endpoint + ", servers=" + servers + ", profile=" + profile + ", bootstrapMode=" + bootstrapMode + "]";
    }
}
