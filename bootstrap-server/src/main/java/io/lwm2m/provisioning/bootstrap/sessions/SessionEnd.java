package io.lwm2m.provisioning.bootstrap.sessions;

import java.time.Instant;
import java.util.List;

/**
 * How a session ended, as its history row keeps it.
 *
 * @param failure                  why it failed, or null when it succeeded
 * @param reason                   the failure in words, or null
 * @param lwm2mVersion             the client's LwM2M version as its Discover answer gave it, or null
 * @param steps                    every request sent and its answer
 * @param bootstrapAccountInstance the Security instance of the client's bootstrap account as its Discover
 *                                 answer showed it, or null when the session did not learn it
 * @param deliveredCredentialIds   the pending credentials a successful session wrote into the device: they
 *                                 count as delivered at {@code endedAt}, recorded with the history row
 */
public record SessionEnd(SessionOutcome outcome, BootstrapFailure failure, String reason, String lwm2mVersion, List<SessionStep> steps,
        Integer bootstrapAccountInstance, Instant endedAt, List<Long> deliveredCredentialIds) {

    public SessionEnd {
        steps = List.copyOf(steps);
        deliveredCredentialIds = List.copyOf(deliveredCredentialIds);
    }

    /** An end that delivered nothing. */
    public SessionEnd(SessionOutcome outcome, BootstrapFailure failure, String reason, String lwm2mVersion, List<SessionStep> steps,
            Integer bootstrapAccountInstance, Instant endedAt) {
        this(outcome, failure, reason, lwm2mVersion, steps, bootstrapAccountInstance, endedAt, List.of());
    }
}
