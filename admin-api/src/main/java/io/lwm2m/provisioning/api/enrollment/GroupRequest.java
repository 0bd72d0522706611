package io.lwm2m.provisioning.api.enrollment;

import io.lwm2m.provisioning.bootstrap.enrollment.Allocation;
import io.lwm2m.provisioning.bootstrap.enrollment.EnrollmentGroup;
import io.lwm2m.provisioning.bootstrap.enrollment.GroupSpec;
import io.lwm2m.provisioning.errors.InvalidInputException;
import java.util.HexFormat;
import java.util.List;

/**
 * An enrollment group as {@code POST}/{@code PUT /api/v1/enrollment-groups} take it:
 * {@code {"name","state","attestation":{"type":"X509","manufacturerCas":[…],"endpointFrom":"CN"} |
 * {"type":"SYMMETRIC_KEY","identityPrefix":"…","groupKey":"<hex>","derivedKeyLength":16|32},"endpointPattern","deviceLimit",
 * "labels":[…],"allocation":{…}}}.
 */
record GroupRequest(String name, EnrollmentGroup.State state, AttestationRequest attestation, String endpointPattern,
        Integer deviceLimit, List<String> labels, Allocation allocation) {

    record AttestationRequest(EnrollmentGroup.Mechanism type, List<String> manufacturerCas, EnrollmentGroup.EndpointFrom endpointFrom,
            String identityPrefix, String groupKey, Integer derivedKeyLength) {
    }

    GroupSpec spec() {
        GroupSpec.Attestation attested = attestation == null ? null : new GroupSpec.Attestation(attestation.type(),
                attestation.manufacturerCas(), attestation.endpointFrom(), attestation.identityPrefix(), key(attestation.groupKey()),
                attestation.derivedKeyLength());
        return new GroupSpec(name, state, attested, endpointPattern, deviceLimit, labels, allocation);
    }

    private static byte[] key(String hex) {
        if (hex == null) {
            return null;
        }
        try {
            return HexFormat.of().parseHex(hex);
        } catch (IllegalArgumentException e) {
            throw new InvalidInputException("attestation.groupKey", "must be hex (16-64 bytes)");
        }
    }
}
