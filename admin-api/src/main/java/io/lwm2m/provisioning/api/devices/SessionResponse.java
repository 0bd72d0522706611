package io.lwm2m.provisioning.api.devices;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.lwm2m.provisioning.bootstrap.history.BootstrapSessionRecord;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * One bootstrap session as the API shows it, with each request sent and the client's answer; a
 * failed one with its typed {@code failure} (NO_ANSWER, ENDPOINT_MISMATCH, ...) and its reason in words.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record SessionResponse(UUID id, String endpoint, String peerAddress, String securityMode, String identity,
        String lwm2mVersion, Integer contentFormat, Instant startedAt, Instant endedAt, Long durationMs, String outcome,
        String failure, String reason, List<Step> steps) {

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Step(String operation, String path, String responseCode, String detail, Instant sentAt, Integer durationMs) {
    }

    static SessionResponse of(BootstrapSessionRecord s) {
        return new SessionResponse(s.id(), s.endpoint(), s.peerAddress(), s.securityMode(), s.identity(), s.lwm2mVersion(),
                s.contentFormat(), s.startedAt(), s.endedAt(),
                s.endedAt() == null ? null : Duration.between(s.startedAt(), s.endedAt()).toMillis(),
                s.outcome().name(), s.failure() == null ? null : s.failure().name(), s.reason(),
                s.steps().stream().map(t -> new Step(t.operation(), t.path(),
                        t.responseCode() == null ? null : t.responseCode().toString(), t.detail(), t.sentAt(),
                        t.durationMs())).toList());
    }
}
