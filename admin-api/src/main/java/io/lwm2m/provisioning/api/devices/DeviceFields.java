package io.lwm2m.provisioning.api.devices;

import io.lwm2m.provisioning.bootstrap.devices.EndpointName;
import io.lwm2m.provisioning.bootstrap.lwm2m.SecurityMode;
import io.lwm2m.provisioning.bootstrap.profiles.ProfileService;
import io.lwm2m.provisioning.crypto.RandomSecrets;
import io.lwm2m.provisioning.errors.FieldProblems;
import io.lwm2m.provisioning.errors.InputText;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;

/**
 * The one set of rules for a device's fields, whether it is registered by {@code POST /devices}
 * or by an import row: endpoint grammar ({@link EndpointName}), profile name, bootstrap mode, a
 * factory-supplied PSK, labels. Each check adds its problem under the caller's name for the field
 * and returns the parsed value, or null when the value is absent or broken. Problems never quote a
 * key.
 */
public final class DeviceFields {

    public static final int MAX_PSK_IDENTITY_BYTES = 128;
    public static final int MAX_LABELS = 32;
    public static final int MAX_LABEL_LENGTH = 64;

    /** What the fields are called where they come from. */
    public record Names(String endpoint, String profile, String mode, String pskIdentity, String pskKey, String labels) {

        public static final Names API = new Names("endpoint", "profile", "bootstrapCredential.mode",
                "bootstrapCredential.identity", "bootstrapCredential.key", "labels");
        public static final Names IMPORT = new Names("endpoint", "profile", "mode", "psk_identity", "psk_key", "labels");
    }

    private final Names names;
    private final FieldProblems problems;

    public DeviceFields(Names names, FieldProblems problems) {
        this.names = names;
        this.problems = problems;
    }

    /** The endpoint, required, in the grammar every device must keep to stay addressable. */
    public String endpoint(String endpoint) {
        if (endpoint == null || endpoint.isEmpty()) {
            problems.add(names.endpoint(), "is required");
            return null;
        }
        if (!EndpointName.isValid(endpoint)) {
            problems.add(names.endpoint(), EndpointName.RULE);
            return null;
        }
        return endpoint;
    }

    /** A profile name: null stays null (the caller decides whether one is required). */
    public String profile(String profile) {
        if (profile != null && !ProfileService.isValidName(profile)) {
            problems.add(names.profile(), ProfileService.NAME_RULE);
            return null;
        }
        return profile;
    }

    /** The bootstrap credential's mode, required: PSK, RPK or X509, in any case. */
    public SecurityMode mode(String mode) {
        if (mode == null || mode.isBlank()) {
            problems.add(names.mode(), "is required (PSK, RPK or X509)");
            return null;
        }
        SecurityMode parsed = SecurityMode.fromName(mode.toUpperCase(Locale.ROOT)).orElse(null);
        if (parsed != SecurityMode.PSK && parsed != SecurityMode.RPK && parsed != SecurityMode.X509) {
            problems.add(names.mode(), "must be PSK, RPK or X509 (in any case)");
            return null;
        }
        return parsed;
    }

    /**
     * A factory-supplied PSK: identity and key together or neither; the key as hex. Returns the key
     * (null if absent or broken); {@code identity} is checked in place.
     */
    public byte[] suppliedPsk(SecurityMode mode, String identity, String hexKey) {
        if (identity == null && hexKey == null) {
            return null;
        }
        if (mode != SecurityMode.PSK) {
            problems.add(names.pskIdentity(), "a supplied identity and key are for PSK only; RPK and X509 credentials are "
                    + "generated or given as a public key or certificate");
            return null;
        }
        if (identity == null || hexKey == null) {
            problems.add(identity == null ? names.pskIdentity() : names.pskKey(),
                    "identity and key are supplied together, or both left out to have them generated");
            return null;
        }
        String rule = InputText.lineProblem(identity);
        int bytes = identity.getBytes(StandardCharsets.UTF_8).length;
        if (rule == null && (bytes == 0 || bytes > MAX_PSK_IDENTITY_BYTES)) {
            rule = "must be 1-" + MAX_PSK_IDENTITY_BYTES + " bytes of UTF-8";
        }
        if (rule != null) {
            problems.add(names.pskIdentity(), rule);
        }
        return pskKey(hexKey);
    }

    private byte[] pskKey(String hexKey) {
        try {
            byte[] key = HexFormat.of().parseHex(hexKey);
            if (key.length < RandomSecrets.MIN_PSK_BYTES || key.length > RandomSecrets.MAX_PSK_BYTES) {
                problems.add(names.pskKey(), "must be " + RandomSecrets.MIN_PSK_BYTES + " to " + RandomSecrets.MAX_PSK_BYTES
                        + " bytes (" + RandomSecrets.MIN_PSK_BYTES * 2 + " to " + RandomSecrets.MAX_PSK_BYTES * 2 + " hex digits)");
            }
            return key;
        } catch (IllegalArgumentException e) {
            // Never echo the value: it is a key.
            problems.add(names.pskKey(), "must be hexadecimal (an even number of 0-9, a-f digits)");
            return null;
        }
    }

    /**
     * {@code value} without the spaces around it, null if nothing else is left. Only U+0020: a
     * control character is refused where it stands, never trimmed away.
     */
    public static String trimSpaces(String value) {
        if (value == null) {
            return null;
        }
        int start = 0;
        int end = value.length();
        while (start < end && value.charAt(start) == ' ') {
            start++;
        }
        while (end > start && value.charAt(end - 1) == ' ') {
            end--;
        }
        return start == end ? null : value.substring(start, end);
    }

    /** Labels, each 1-{@value #MAX_LABEL_LENGTH} characters of one line, at most {@value #MAX_LABELS}; blanks and repeats dropped. */
    public List<String> labels(List<String> given) {
        List<String> labels = new ArrayList<>();
        for (String label : given) {
            String l = trimSpaces(label);
            if (l == null) {
                continue;
            }
            if (InputText.lineProblem(l, MAX_LABEL_LENGTH) != null) {
                problems.add(names.labels(), "each label is 1-" + MAX_LABEL_LENGTH + " characters of one line without "
                        + "control or bidirectional formatting characters");
                return List.of();
            }
            if (!labels.contains(l)) {
                labels.add(l);
            }
        }
        if (labels.size() > MAX_LABELS) {
            problems.add(names.labels(), "at most " + MAX_LABELS + " labels");
        }
        return labels;
    }
}
