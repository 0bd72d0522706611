package io.lwm2m.provisioning.bootstrap.enrollment;

import io.lwm2m.provisioning.bootstrap.events.SignedWebhook;
import io.lwm2m.provisioning.bootstrap.profiles.ProfileService;
import io.lwm2m.provisioning.crypto.SecretCipher;
import io.lwm2m.provisioning.errors.FieldProblems;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Pattern;
import org.springframework.stereotype.Component;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Chooses an admitted device's profile and extra labels by its group's {@link Allocation} (decision
 * 077). The allocation webhook gets the attestation facts as a signed POST ({@link SignedWebhook}, the
 * same code that delivers events) and must answer within its timeout with {@code {"profile":…,
 * "labels":[…]}} naming an existing profile; a timeout, an error status, or an answer that is not
 * that (garbage, an unknown profile, bad labels) falls back to the group's {@code profile}, and the
 * record says which and why.
 */
@Component
class Allocator {

    static final String CONTENT_TYPE = "application/json";
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final SignedWebhook webhook;
    private final SecretCipher cipher;
    private final ProfileService profiles;
    private final Clock clock;

    Allocator(SignedWebhook webhook, SecretCipher cipher, ProfileService profiles, Clock clock) {
        this.webhook = webhook;
        this.cipher = cipher;
        this.profiles = profiles;
        this.clock = clock;
    }

    AllocationDecision allocate(EnrollmentGroup group, Attested device, String channel, String peer) {
        Allocation allocation = group.allocation();
        return switch (allocation.type()) {
            case STATIC -> new AllocationDecision(allocation.profile(), List.of(), "STATIC", null, null);
            case RULES -> byRules(allocation, device);
            case WEBHOOK -> byWebhook(group, allocation, device, channel, peer);
        };
    }

    private static AllocationDecision byRules(Allocation allocation, Attested device) {
        for (int i = 0; i < allocation.rules().size(); i++) {
            Allocation.Rule rule = allocation.rules().get(i);
            if (matches(rule, device)) {
                return new AllocationDecision(rule.profile(), rule.labels(), "RULE", i, null);
            }
        }
        return allocation.profile() == null ? AllocationDecision.none("DEFAULT", "no rule matched and the group names no default profile")
                : new AllocationDecision(allocation.profile(), List.of(), "DEFAULT", null, "no rule matched");
    }

    private static boolean matches(Allocation.Rule rule, Attested device) {
        if (rule.endpointPattern() != null && !Pattern.compile(rule.endpointPattern()).matcher(device.endpoint()).matches()) {
            return false;
        }
        if (rule.subject() != null) {
            for (Map.Entry<String, String> condition : rule.subject().entrySet()) {
                String value = device.subject().get(condition.getKey());
                if (value == null || !Pattern.compile(condition.getValue()).matcher(value).matches()) {
                    return false;
                }
            }
        }
        return true;
    }

    private AllocationDecision byWebhook(EnrollmentGroup group, Allocation allocation, Attested device, String channel,
            String peer) {
        Map<String, Object> request = new LinkedHashMap<>();
        request.put("group", group.name());
        request.put("endpoint", device.endpoint());
        request.put("channel", channel);
        request.put("peer", peer);
        request.put("attestation", device.facts());
        List<byte[]> keys = group.allocationKeys().open(cipher, EnrollmentGroup.allocationContext(group.name()), clock.instant());
        SignedWebhook.Answer answer = webhook.post(URI.create(allocation.url()), UUID.randomUUID().toString(), CONTENT_TYPE,
                JSON.writeValueAsBytes(request), keys, Duration.ofMillis(allocation.timeout()));
        String problem = answer.ok() ? problemWith(answer.body()) : "the allocation webhook " + answer.problem();
        if (problem == null) {
            JsonNode body = JSON.readTree(answer.body());
            return new AllocationDecision(body.get("profile").asString(), labels(body), "WEBHOOK", null, null);
        }
        return allocation.profile() == null ? AllocationDecision.none("WEBHOOK", problem + "; the group names no fallback profile")
                : new AllocationDecision(allocation.profile(), List.of(), "FALLBACK", null, problem);
    }

    /** Why an answer is not a usable allocation, or null when it is. */
    private String problemWith(String body) {
        JsonNode answer;
        try {
            answer = JSON.readTree(body);
        } catch (JacksonException e) {
            return "the allocation webhook's answer is not JSON";
        }
        if (answer == null || !answer.isObject() || answer.get("profile") == null || !answer.get("profile").isString()) {
            return "the allocation webhook's answer names no profile (expected {\"profile\":\"…\",\"labels\":[…]})";
        }
        String profile = answer.get("profile").asString();
        if (profile.length() > 64 || !profiles.exists(profile)) {
            return "the allocation webhook named profile '" + printable(profile) + "', which does not exist";
        }
        JsonNode labels = answer.get("labels");
        if (labels != null && !labels.isNull() && (!labels.isArray() || labels.valueStream().anyMatch(l -> !l.isString()))) {
            return "the allocation webhook's labels are not a list of strings";
        }
        FieldProblems problems = new FieldProblems();
        GroupSpec.checkLabels(labels(answer), "labels", problems);
        return problems.isEmpty() ? null : "the allocation webhook's labels break the label rules (" + problems.list().get(0).message() + ")";
    }

    private static List<String> labels(JsonNode answer) {
        JsonNode labels = answer.get("labels");
        List<String> list = new ArrayList<>();
        if (labels != null && labels.isArray()) {
            labels.valueStream().map(JsonNode::asString).forEach(list::add);
        }
        return list;
    }

    private static String printable(String text) {
        String cut = text.length() > 64 ? text.substring(0, 64) + "…" : text;
        return cut.replaceAll("\\p{Cntrl}", "?");
    }
}
