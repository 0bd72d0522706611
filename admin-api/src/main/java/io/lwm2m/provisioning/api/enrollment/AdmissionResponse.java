package io.lwm2m.provisioning.api.enrollment;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.lwm2m.provisioning.bootstrap.enrollment.AdmissionView;
import java.time.Instant;
import tools.jackson.databind.JsonNode;

/** One admission or refusal of a group: the attestation, the allocation decision, the refusal's rule and reason. */
@JsonInclude(JsonInclude.Include.NON_NULL)
record AdmissionResponse(long id, String endpoint, String channel, String outcome, String refusal, String reason,
        JsonNode attestation, JsonNode allocation, String peer, int attempts, Instant createdAt, Instant lastAt) {

    static AdmissionResponse of(AdmissionView v) {
        return new AdmissionResponse(v.id(), v.endpoint(), v.channel(), v.outcome(), v.refusal(), v.reason(), v.attestation(),
                v.allocation(), v.peer(), v.attempts(), v.createdAt(), v.lastAt());
    }
}
