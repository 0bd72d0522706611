package io.lwm2m.provisioning.bootstrap.enrollment;

import java.util.Map;

/**
 * What a first contact proved: the group whose trust anchor it holds, the endpoint that follows from
 * it, and the facts of the attestation (for the record, the allocation rules and the webhook).
 *
 * @param subject the device certificate's subject attributes (CN, O, OU, ...); empty for a symmetric key
 * @param facts   what the record and the allocation webhook show: never a secret
 */
record Attested(long groupId, String groupName, EnrollmentGroup.Mechanism mechanism, String endpoint,
        Map<String, String> subject, Map<String, Object> facts) {
}
