package io.lwm2m.provisioning.bootstrap.enrollment;

import io.lwm2m.provisioning.bootstrap.devices.EndpointName;
import io.lwm2m.provisioning.errors.FieldProblems;
import java.util.List;
import java.util.regex.Pattern;

/**
 * An enrollment group as it is asked for (issue 17): its name and state, how devices prove they
 * belong ({@link Attestation}), the endpoint pattern every admitted endpoint must match (a regular
 * expression over the whole endpoint; null: any endpoint), how many devices it may admit in all
 * (null: no limit), the labels every admitted device gets, and how its profile is chosen.
 */
public record GroupSpec(String name, EnrollmentGroup.State state, Attestation attestation, String endpointPattern,
        Integer deviceLimit, List<String> labels, Allocation allocation) {

    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");
    static final int MAX_LABELS = 32;
    static final int MAX_LABEL_LENGTH = 64;

    public GroupSpec {
        state = state == null ? EnrollmentGroup.State.ENABLED : state;
        labels = labels == null ? List.of() : List.copyOf(labels);
    }

    /**
     * How a device proves it belongs to the group.
     *
     * @param manufacturerCas X509: the registered manufacturer CAs (by name) whose certificates it takes
     * @param endpointFrom    X509: the endpoint is the subject's CN (default) or its first SAN URI
     * @param identityPrefix  SYMMETRIC_KEY: the PSK identity is this prefix followed by the endpoint ("" for none)
     * @param groupKey        SYMMETRIC_KEY: the group key (16-64 bytes) when the line supplies it; generated when null
     * @param derivedKeyLength SYMMETRIC_KEY: bytes of a device's PSK, 16 or 32 (default): tinydtls clients take 16 at most
     */
    public record Attestation(EnrollmentGroup.Mechanism type, List<String> manufacturerCas, EnrollmentGroup.EndpointFrom endpointFrom,
            String identityPrefix, byte[] groupKey, Integer derivedKeyLength) {

        public Attestation {
            manufacturerCas = manufacturerCas == null ? List.of() : List.copyOf(manufacturerCas);
            if (type == EnrollmentGroup.Mechanism.SYMMETRIC_KEY && derivedKeyLength == null) {
                derivedKeyLength = GroupKeys.FULL;
            }
            if (type == EnrollmentGroup.Mechanism.X509 && endpointFrom == null) {
                endpointFrom = EnrollmentGroup.EndpointFrom.CN;
            }
        }

        @Override
        public String toString() {
            return "Attestation[" + type + ", cas=" + manufacturerCas + ", prefix=" + identityPrefix + "]";
        }
    }

    /** Every rule the spec breaks, named by field. */
    FieldProblems check(FieldProblems problems) {
        if (name == null || !NAME.matcher(name).matches()) {
            problems.add("name", "must be 1-64 letters, digits, '.', '_' or '-', starting with a letter or digit");
        }
        checkAttestation(problems);
        Allocation.checkPattern(endpointPattern, "endpointPattern", problems);
        if (deviceLimit != null && deviceLimit < 0) {
            problems.add("deviceLimit", "must not be negative");
        }
        checkLabels(labels, "labels", problems);
        if (allocation == null) {
            problems.add("allocation", "is required: {\"type\":\"STATIC\",\"profile\":\"…\"}, RULES or WEBHOOK");
        } else if (attestation != null) {
            allocation.check("allocation", attestation.type(), problems);
        }
        return problems;
    }

    private void checkAttestation(FieldProblems problems) {
        if (attestation == null || attestation.type() == null) {
            problems.add("attestation.type", "must be X509 or SYMMETRIC_KEY");
            return;
        }
        if (attestation.type() == EnrollmentGroup.Mechanism.X509) {
            if (attestation.manufacturerCas().isEmpty()) {
                problems.add("attestation.manufacturerCas", "must name at least one registered manufacturer CA");
            }
            if (attestation.identityPrefix() != null || attestation.groupKey() != null || attestation.derivedKeyLength() != null) {
                problems.add("attestation.identityPrefix", "groupKey and derivedKeyLength are only for SYMMETRIC_KEY groups");
            }
            return;
        }
        if (!attestation.manufacturerCas().isEmpty()) {
            problems.add("attestation.manufacturerCas", "are only for X509 groups");
        }
        String prefix = attestation.identityPrefix();
        if (prefix == null || prefix.length() > 64 || !prefix.chars().allMatch(c -> c > 0x20 && c < 0x7f)) {
            problems.add("attestation.identityPrefix", "must be 0-64 printable ASCII characters without spaces (\"\" for none)");
        }
        byte[] key = attestation.groupKey();
        if (key != null && (key.length < 16 || key.length > 64)) {
            problems.add("attestation.groupKey", "must be 16-64 bytes (hex)");
        }
        if (attestation.derivedKeyLength() != GroupKeys.FULL && attestation.derivedKeyLength() != GroupKeys.SHORT) {
            problems.add("attestation.derivedKeyLength", "must be 32 (the whole HMAC-SHA256) or 16 (its first half, for tinydtls clients)");
        }
    }

    /** At most 32 labels of 1-64 printable characters (null passes). */
    static void checkLabels(List<String> labels, String field, FieldProblems problems) {
        if (labels == null) {
            return;
        }
        if (labels.size() > MAX_LABELS) {
            problems.add(field, "at most " + MAX_LABELS + " labels");
        }
        for (String label : labels) {
            if (label == null || label.isEmpty() || label.length() > MAX_LABEL_LENGTH
                    || !label.codePoints().allMatch(c -> c >= 0x20 && c != 0x7f && !Character.isISOControl(c))) {
                problems.add(field, "each label is 1-" + MAX_LABEL_LENGTH + " printable characters");
                return;
            }
        }
    }

    /** Whether {@code endpoint} is one the group may admit: the endpoint grammar and the group's pattern. */
    static boolean admissible(String endpoint, String endpointPattern) {
        return EndpointName.isValid(endpoint) && (endpointPattern == null || Pattern.compile(endpointPattern).matcher(endpoint).matches());
    }
}
