package io.lwm2m.provisioning.bootstrap.enrollment;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.lwm2m.provisioning.bootstrap.events.SubscriptionSpec;
import io.lwm2m.provisioning.errors.FieldProblems;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import tools.jackson.databind.json.JsonMapper;

/**
 * How a group picks an admitted device's profile (and extra labels), decision 077:
 * <ul>
 * <li>{@code STATIC}: always {@code profile};</li>
 * <li>{@code RULES}: the first rule whose conditions all hold (an endpoint pattern, certificate
 * subject attributes), else {@code profile} (none: refused);</li>
 * <li>{@code WEBHOOK}: a signed POST of the attestation to {@code url}, answered with a profile and
 * labels within {@code timeoutMillis}; when it fails or answers garbage, {@code profile} as the
 * fallback (none: refused).</li>
 * </ul>
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Allocation(Type type, String profile, List<Rule> rules, String url, Integer timeoutMillis) {

    public enum Type { STATIC, RULES, WEBHOOK }

    /** The webhook's deadline when the group names none: a device waits for it in its Bootstrap-Request. */
    public static final int DEFAULT_TIMEOUT_MILLIS = 2000;
    static final int MAX_TIMEOUT_MILLIS = 10_000;
    /** The certificate subject attributes a rule may test. */
    static final Set<String> SUBJECT_ATTRIBUTES = Set.of("CN", "O", "OU", "C", "ST", "L", "SERIALNUMBER");

    private static final JsonMapper JSON = JsonMapper.builder().build();

    public Allocation {
        rules = rules == null ? null : List.copyOf(rules);
    }

    /**
     * One rule: every condition given must hold (each a regular expression matching the whole value).
     *
     * @param endpointPattern the admitted endpoint
     * @param subject         attributes of the device certificate's subject ({@code O}, {@code OU}, {@code CN}, ...)
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Rule(String endpointPattern, Map<String, String> subject, String profile, List<String> labels) {

        public Rule {
            subject = subject == null ? null : Map.copyOf(subject);
            labels = labels == null ? null : List.copyOf(labels);
        }
    }

    /** The webhook's deadline. */
    public int timeout() {
        return timeoutMillis == null ? DEFAULT_TIMEOUT_MILLIS : timeoutMillis;
    }

    /** Every profile the policy may name (the webhook's answers aside), to check that they exist. */
    public List<String> profiles() {
        java.util.List<String> named = new java.util.ArrayList<>();
        if (profile != null) {
            named.add(profile);
        }
        if (rules != null) {
            rules.stream().map(Rule::profile).filter(java.util.Objects::nonNull).forEach(named::add);
        }
        return named;
    }

    /** Adds every rule this policy breaks under {@code field}. */
    void check(String field, EnrollmentGroup.Mechanism mechanism, FieldProblems problems) {
        if (type == null) {
            problems.add(field + ".type", "must be STATIC, RULES or WEBHOOK");
            return;
        }
        switch (type) {
            case STATIC -> {
                if (profile == null) {
                    problems.add(field + ".profile", "is required for a STATIC allocation");
                }
            }
            case RULES -> checkRules(field, mechanism, problems);
            case WEBHOOK -> {
                SubscriptionSpec.checkUrl(url, field + ".url", problems);
                if (timeoutMillis != null && (timeoutMillis < 100 || timeoutMillis > MAX_TIMEOUT_MILLIS)) {
                    problems.add(field + ".timeoutMillis", "must be 100.." + MAX_TIMEOUT_MILLIS
                            + " (a device waits for it in its first request)");
                }
            }
        }
        if (type != Type.RULES && rules != null) {
            problems.add(field + ".rules", "are only for a RULES allocation");
        }
        if (type != Type.WEBHOOK && (url != null || timeoutMillis != null)) {
            problems.add(field + ".url", "and timeoutMillis are only for a WEBHOOK allocation");
        }
    }

    private void checkRules(String field, EnrollmentGroup.Mechanism mechanism, FieldProblems problems) {
        if (rules == null || rules.isEmpty()) {
            problems.add(field + ".rules", "must hold at least one rule");
            return;
        }
        for (int i = 0; i < rules.size(); i++) {
            Rule rule = rules.get(i);
            String at = field + ".rules[" + i + "]";
            if (rule == null) {
                problems.add(at, "must be a rule");
                continue;
            }
            if (rule.profile() == null) {
                problems.add(at + ".profile", "is required");
            }
            if (rule.endpointPattern() == null && (rule.subject() == null || rule.subject().isEmpty())) {
                problems.add(at, "needs a condition: endpointPattern or subject");
            }
            checkPattern(rule.endpointPattern(), at + ".endpointPattern", problems);
            if (rule.subject() != null) {
                if (mechanism != EnrollmentGroup.Mechanism.X509) {
                    problems.add(at + ".subject", "is only for X509 groups (a symmetric-key device has no certificate)");
                }
                rule.subject().forEach((attribute, pattern) -> {
                    if (!SUBJECT_ATTRIBUTES.contains(attribute)) {
                        problems.add(at + ".subject", "may test " + SUBJECT_ATTRIBUTES + ", not '" + attribute + "'");
                    }
                    checkPattern(pattern, at + ".subject." + attribute, problems);
                });
            }
            GroupSpec.checkLabels(rule.labels(), at + ".labels", problems);
        }
    }

    /** A regular expression that compiles, of at most 255 characters (null passes). */
    static void checkPattern(String pattern, String field, FieldProblems problems) {
        if (pattern == null) {
            return;
        }
        if (pattern.length() > 255) {
            problems.add(field, "must be at most 255 characters");
            return;
        }
        try {
            Pattern.compile(pattern);
        } catch (PatternSyntaxException e) {
            problems.add(field, "is not a regular expression: " + e.getDescription());
        }
    }

    String json() {
        return JSON.writeValueAsString(this);
    }

    static Allocation fromJson(String json) {
        return JSON.readValue(json, Allocation.class);
    }
}
