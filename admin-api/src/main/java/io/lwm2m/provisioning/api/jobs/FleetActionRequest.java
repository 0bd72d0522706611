package io.lwm2m.provisioning.api.jobs;

import io.lwm2m.provisioning.api.openapi.Required;
import io.lwm2m.provisioning.errors.FieldProblems;

/**
 * The body of {@code POST /api/v1/fleet-actions}: {@code action} rotate or revoke, a {@code selector}
 * with exactly one of {@code profile} or {@code label}, the credentials to act on ({@code target}:
 * bootstrap, servers or, for revoke, all), a CRL {@code reason} code for revoke, and {@code dryRun}.
 */
record FleetActionRequest(@Required String action, @Required Selector selector, String target, Integer reason, Boolean dryRun) {

    record Selector(String profile, String label) {
    }

    FleetActionRequest validate() {
        FieldProblems problems = new FieldProblems();
        if (!"rotate".equals(action) && !"revoke".equals(action)) {
            problems.add("action", "must be 'rotate' or 'revoke'");
        }
        if (selector == null) {
            problems.add("selector", "is required: {\"profile\":\"…\"} or {\"label\":\"…\"}");
        } else if ((selector.profile() == null) == (selector.label() == null)) {
            problems.add("selector", "names exactly one of 'profile' and 'label'");
        } else if ((selector.profile() != null && selector.profile().isBlank()) || (selector.label() != null && selector.label().isBlank())) {
            problems.add("selector", "must not be blank");
        }
        String t = target == null ? "servers" : target;
        if (!t.equals("bootstrap") && !t.equals("servers") && !(t.equals("all") && "revoke".equals(action))) {
            problems.add("target", "must be 'bootstrap' or 'servers'" + ("revoke".equals(action) ? " or 'all'" : ""));
        }
        if (reason != null && (!"revoke".equals(action) || reason < 0 || reason > 10 || reason == 7)) {
            problems.add("reason", "is a CRL reason code (RFC 5280: 0-6, 8-10), for revoke only");
        }
        problems.throwIfAny();
        return new FleetActionRequest(action, selector, t, reason == null ? 0 : reason, Boolean.TRUE.equals(dryRun));
    }
}
