package io.lwm2m.provisioning.bootstrap.enrollment;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What the allocation decided for one device, as the admission records it: the profile (null: none,
 * the device is refused), the labels it adds to the group's, where the decision came from, and why.
 *
 * @param source {@code STATIC}, {@code RULE} (with {@code rule}, its index), {@code DEFAULT} (no rule
 *               matched), {@code WEBHOOK}, or {@code FALLBACK} (the webhook failed: {@code detail} says how)
 */
record AllocationDecision(String profile, List<String> labels, String source, Integer rule, String detail) {

    AllocationDecision {
        labels = labels == null ? List.of() : List.copyOf(labels);
    }

    static AllocationDecision none(String source, String detail) {
        return new AllocationDecision(null, List.of(), source, null, detail);
    }

    boolean allocated() {
        return profile != null;
    }

    Map<String, Object> facts() {
        Map<String, Object> facts = new LinkedHashMap<>();
        facts.put("source", source);
        if (rule != null) {
            facts.put("rule", rule);
        }
        facts.put("profile", profile);
        facts.put("labels", labels);
        if (detail != null) {
            facts.put("detail", detail);
        }
        return facts;
    }
}
