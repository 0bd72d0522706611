package io.lwm2m.provisioning.bootstrap.enrollment;

import java.time.Instant;
import tools.jackson.databind.JsonNode;

/**
 * One record of a group's first contacts as the API shows it: an admission (the device, the
 * attestation, the allocation decision) or a refusal (its rule, reason and how often it was met).
 */
public record AdmissionView(long id, String endpoint, String channel, String outcome, String refusal, String reason,
        JsonNode attestation, JsonNode allocation, String peer, int attempts, Instant createdAt, Instant lastAt) {
}
