package io.lwm2m.provisioning.api.devices;

import io.lwm2m.provisioning.api.openapi.Required;
import io.lwm2m.provisioning.bootstrap.devices.NewDevice;
import io.lwm2m.provisioning.bootstrap.lwm2m.SecurityMode;
import io.lwm2m.provisioning.bootstrap.profiles.ProfileDefinition;
import io.lwm2m.provisioning.errors.FieldProblems;
import java.util.List;

/** The body of {@code POST /api/v1/devices}, as sent: every field checked by {@link #validate()}. */
public record DeviceRequest(@Required String endpoint, List<String> servers, String profile, ProfileDefinition overrides,
        BootstrapCredentialRequest bootstrapCredential) {

    /** The bootstrap credential: a mode, and for PSK optionally the factory's identity and key (hex). */
    public record BootstrapCredentialRequest(@Required String mode, String identity, String key, Boolean factory) {

        @Override
        public String toString() {
            return "BootstrapCredentialRequest[mode=" + mode + ", identity=" + identity + "]";
        }
    }

    /** Checks every field by the rules devices share with the import ({@link DeviceFields}) and names each one that breaks a rule. */
    public NewDevice validate() {
        FieldProblems problems = new FieldProblems();
        DeviceFields fields = new DeviceFields(DeviceFields.Names.API, problems);
        fields.endpoint(endpoint);
        fields.profile(profile);
        if (profile != null) {
            if (servers != null) {
                problems.add("servers", "give either a profile or a server list, not both");
            }
        } else if (overrides != null) {
            problems.add("overrides", "apply to a profile; this device names none");
        } else if (servers == null || servers.isEmpty()) {
            problems.add("servers", "must name at least one DM server (or give a profile)");
        } else {
            for (int i = 0; i < servers.size(); i++) {
                if (servers.get(i) == null || servers.get(i).isBlank()) {
                    problems.add("servers[" + i + "]", "must be a DM server name");
                }
            }
        }
        SecurityMode mode = null;
        byte[] key = null;
        boolean factory = bootstrapCredential != null && Boolean.TRUE.equals(bootstrapCredential.factory());
        if (bootstrapCredential == null) {
            problems.add("bootstrapCredential", "is required");
        } else {
            mode = fields.mode(bootstrapCredential.mode());
            if (factory && mode != null && mode != SecurityMode.X509) {
                problems.add("bootstrapCredential.factory", "is for X509: a certificate from a registered manufacturer CA");
            }
            key = fields.suppliedPsk(mode, bootstrapCredential.identity(), bootstrapCredential.key());
        }
        problems.throwIfAny();
        return new NewDevice(endpoint, servers, profile, overrides, mode, bootstrapCredential.identity(), key, factory);
    }

    @Override
    public String toString() {
        return "DeviceRequest[endpoint=" + endpoint + ", servers=" + servers + ", bootstrapCredential=" + bootstrapCredential + "]";
    }
}
