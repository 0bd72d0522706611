package io.lwm2m.provisioning.audit;

import java.util.Map;

/**
 * Who did what to which target, with what outcome, from where. {@code details} must never hold a
 * secret: it is stored and shown as it is.
 *
 * @param actor         the API key name, or {@code device:<endpoint>} for a device, or {@code system}
 * @param role          the actor's role, when it has one
 * @param action        dotted verb, for example {@code device.create} or {@code bootstrap.refuse}
 * @param target        what was acted on, for example {@code device:urn:dev:ops:0001}
 * @param outcome       {@link Outcome}
 * @param sourceAddress the peer's address, when there is one
 * @param requestId     correlates with the request's log lines
 * @param details       extra facts, secrets redacted
 */
public record AuditEvent(String actor, String role, String action, String target, Outcome outcome,
        String sourceAddress, String requestId, Map<String, String> details) {

    public enum Outcome { SUCCESS, FAILURE, DENIED }

    public AuditEvent {
        details = details == null ? Map.of() : Map.copyOf(details);
    }
}
