package io.lwm2m.provisioning.bootstrap.audit;

import java.time.Instant;

/**
 * Filters of an audit log search; null fields do not filter. {@code actor}, {@code target} and
 * {@code outcome} match exactly; {@code action} exactly, or by prefix when it ends with {@code *}
 * ({@code device.*}); {@code from} is inclusive, {@code to} exclusive.
 */
public record AuditQuery(String actor, String action, String target, String outcome, Instant from, Instant to) {
}
