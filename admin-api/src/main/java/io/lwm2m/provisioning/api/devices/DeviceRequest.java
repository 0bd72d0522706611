package io.lwm2m.provisioning.api.devices;

import io.lwm2m.provisioning.bootstrap.devices.NewDevice;
import io.lwm2m.provisioning.bootstrap.lwm2m.SecurityMode;
import io.lwm2m.provisioning.bootstrap.profiles.ProfileDefinition;
import io.lwm2m.provisioning.crypto.RandomSecrets;
import io.lwm2m.provisioning.errors.FieldProblems;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.List;

/** The body of {@code POST /api/v1/devices}, as sent: every field checked by {@link #validate()}. */
public record DeviceRequest(String endpoint, List<String> servers, String profile, ProfileDefinition overrides,
        BootstrapCredentialRequest bootstrapCredential) {

    /** The bootstrap credential: a mode, and for PSK optionally the factory's identity and key (hex). */
    public record BootstrapCredentialRequest(String mode, String identity, String key, Boolean factory) {

        @Override
        public String toString() {
            return "BootstrapCredentialRequest[mode=" + mode + ", identity=" + identity + "]";
        }
    }

    public NewDevice validate() {
        FieldProblems problems = new FieldProblems();
        if (endpoint == null || endpoint.isEmpty()) {
            problems.add("endpoint", "is required");
        } else if (endpoint.length() > 255) {
            problems.add("endpoint", "must be at most 255 characters");
        } else if (endpoint.chars().anyMatch(c -> Character.isISOControl(c) || Character.isWhitespace(c) || c == '/')) {
            problems.add("endpoint", "must not contain whitespace, control characters or '/'");
        }
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
        String identity = null;
        byte[] key = null;
        if (bootstrapCredential == null) {
            problems.add("bootstrapCredential", "is required");
        } else if (bootstrapCredential.mode() == null || bootstrapCredential.mode().isBlank()) {
            problems.add("bootstrapCredential.mode", "is required");
        } else {
            mode = SecurityMode.fromName(bootstrapCredential.mode()).orElse(null);
            if (mode == null) {
                problems.add("bootstrapCredential.mode", "must be one of PSK, RPK, X509");
            } else if (mode != SecurityMode.PSK && mode != SecurityMode.RPK && mode != SecurityMode.X509) {
                problems.add("bootstrapCredential.mode", "must be one of PSK, RPK, X509");
            } else if (Boolean.TRUE.equals(bootstrapCredential.factory()) && mode != SecurityMode.X509) {
                problems.add("bootstrapCredential.factory", "is for X509: a certificate from a registered manufacturer CA");
            } else if (mode != SecurityMode.PSK) {
                if (bootstrapCredential.identity() != null || bootstrapCredential.key() != null) {
                    problems.add("bootstrapCredential.identity", "identity and key are for PSK only; RPK and X509 "
                            + "credentials are generated");
                }
            } else {
                identity = bootstrapCredential.identity();
                String hexKey = bootstrapCredential.key();
                if ((identity == null) != (hexKey == null)) {
                    problems.add(identity == null ? "bootstrapCredential.identity" : "bootstrapCredential.key",
                            "identity and key are supplied together, or both left out to have them generated");
                } else if (identity != null) {
                    int identityBytes = identity.getBytes(StandardCharsets.UTF_8).length;
                    if (identityBytes == 0 || identityBytes > 128 || identity.chars().anyMatch(Character::isISOControl)) {
                        problems.add("bootstrapCredential.identity", "must be 1-128 bytes of UTF-8 without control characters");
                    }
                    key = parseKey(hexKey, problems);
                }
            }
        }
        problems.throwIfAny();
        return new NewDevice(endpoint, servers, profile, overrides, mode, identity, key,
                bootstrapCredential != null && Boolean.TRUE.equals(bootstrapCredential.factory()));
    }

    private static byte[] parseKey(String hexKey, FieldProblems problems) {
        try {
            byte[] key = HexFormat.of().parseHex(hexKey);
            if (key.length < RandomSecrets.MIN_PSK_BYTES || key.length > RandomSecrets.MAX_PSK_BYTES) {
                problems.add("bootstrapCredential.key", "must be " + RandomSecrets.MIN_PSK_BYTES + " to "
                        + RandomSecrets.MAX_PSK_BYTES + " bytes (" + RandomSecrets.MIN_PSK_BYTES * 2 + " to "
                        + RandomSecrets.MAX_PSK_BYTES * 2 + " hex digits)");
            }
            return key;
        } catch (IllegalArgumentException e) {
            // Never echo the value: it is a key.
            problems.add("bootstrapCredential.key", "must be hexadecimal (an even number of 0-9, a-f digits)");
            return null;
        }
    }

    @Override
    public String toString() {
        return "DeviceRequest[endpoint=" + endpoint + ", servers=" + servers + ", bootstrapCredential=" + bootstrapCredential + "]";
    }
}
