package io.lwm2m.provisioning.api.enrollment;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.lwm2m.provisioning.bootstrap.enrollment.Allocation;
import io.lwm2m.provisioning.bootstrap.enrollment.EnrollmentGroup;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * An enrollment group as the API shows it: never its key or allocation secret, except {@code groupKey}
 * and {@code allocationSecret} in the one answer that created them.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
record GroupResponse(String name, String state, Attestation attestation, String endpointPattern, Integer deviceLimit,
        int admitted, List<String> labels, Allocation allocation, Instant previousAllocationSecretValidUntil,
        Map<String, Long> admissions, Instant createdAt, Instant updatedAt, String groupKey, String allocationSecret) {

    @JsonInclude(JsonInclude.Include.NON_NULL)
    record Attestation(String type, List<String> manufacturerCas, String endpointFrom, String identityPrefix,
            Integer derivedKeyLength) {
    }

    static GroupResponse of(EnrollmentGroup group, Map<String, Long> admissions, String groupKey, String allocationSecret) {
        Attestation attestation = group.mechanism() == EnrollmentGroup.Mechanism.X509
                ? new Attestation(group.mechanism().name(), group.manufacturerCas(), group.endpointFrom().name(), null, null)
                : new Attestation(group.mechanism().name(), null, null, group.identityPrefix(), group.derivedKeyLength());
        return new GroupResponse(group.name(), group.state().name(), attestation, group.endpointPattern(), group.deviceLimit(),
                group.admitted(), group.labels(), group.allocation(), group.previousAllocationSecretValidUntil(Instant.now()),
                admissions, group.createdAt(), group.updatedAt(), groupKey, allocationSecret);
    }
}
