package io.lwm2m.provisioning.est;

import io.lwm2m.provisioning.ca.KeyAlgorithm;
import io.lwm2m.provisioning.errors.FieldProblem;
import io.lwm2m.provisioning.errors.InvalidInputException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A profile's EST rules for one certificate label (or the default).
 *
 * @param keyTypes                 key algorithms a CSR may carry (and the server generates for skg)
 * @param allowBootstrapCredential whether a device may enroll over its PSK/RPK bootstrap credential
 *                                 (an extension to RFC 9148 §3, which wants a certificate)
 * @param approval                 delayed issuance: a CSR waits for an operator's approval (5.03 / 202)
 * @param retryAfter               how long the client is told to wait before re-sending a pending CSR
 * @param serverKeyGeneration      whether skg/skc/serverkeygen are allowed
 * @param server                   the DM server whose mode-4 credential receives the certificate (null: the first)
 */
public record EstPolicy(Set<KeyAlgorithm> keyTypes, boolean allowBootstrapCredential, boolean approval,
        Duration retryAfter, boolean serverKeyGeneration, String server) {

    public static final EstPolicy DEFAULT = new EstPolicy(EnumSet.of(KeyAlgorithm.EC_P256, KeyAlgorithm.EC_P384), false,
            false, Duration.ofSeconds(60), true, null);

    private static final Set<String> FIELDS = Set.of("keyTypes", "allowBootstrapCredential", "approval",
            "retryAfterSeconds", "serverKeyGeneration", "server", "labels");

    public EstPolicy {
        keyTypes = Set.copyOf(keyTypes);
    }

    /** The key type the server generates for skg when the CSR's own is not allowed: the first allowed. */
    public KeyAlgorithm defaultKeyType() {
        return keyTypes.stream().sorted().findFirst().orElse(KeyAlgorithm.EC_P256);
    }

    /**
     * A profile's {@code est} object: the default policy's fields and {@code labels}, a map from label
     * to the same fields (unset ones inherited from the default). Null or empty: {@link #DEFAULT}
     * with no labels. Throws {@link InvalidInputException} naming each bad field.
     */
    public static Labelled parse(Map<String, Object> est) {
        if (est == null || est.isEmpty()) {
            return new Labelled(DEFAULT, Map.of());
        }
        List<FieldProblem> problems = new ArrayList<>();
        EstPolicy base = parse(est, DEFAULT, "est", problems);
        Map<String, EstPolicy> labels = new LinkedHashMap<>();
        Object labelled = est.get("labels");
        if (labelled instanceof Map<?, ?> map) {
            map.forEach((name, value) -> {
                String label = String.valueOf(name);
                if (!label.matches("[A-Za-z0-9._~-]{1,64}") || isOperationName(label)) {
                    problems.add(new FieldProblem("est.labels." + label,
                            "a label is 1-64 URI-safe characters and not an EST operation name"));
                } else if (value instanceof Map<?, ?> fields) {
                    @SuppressWarnings("unchecked")
                    Map<String, Object> typed = (Map<String, Object>) fields;
                    labels.put(label, parse(typed, base, "est.labels." + label, problems));
                } else {
                    problems.add(new FieldProblem("est.labels." + label, "must be an object"));
                }
            });
        } else if (labelled != null) {
            problems.add(new FieldProblem("est.labels", "must be an object of label: policy"));
        }
        if (!problems.isEmpty()) {
            throw new InvalidInputException(problems);
        }
        return new Labelled(base, Map.copyOf(labels));
    }

    private static boolean isOperationName(String label) {
        for (EstOperation operation : EstOperation.values()) {
            if (label.equals(operation.coapName()) || label.equals(operation.httpName())) {
                return true;
            }
        }
        return false;
    }

    private static EstPolicy parse(Map<String, Object> fields, EstPolicy inherited, String path, List<FieldProblem> problems) {
        for (String name : fields.keySet()) {
            if (!FIELDS.contains(name) || (!path.equals("est") && name.equals("labels"))) {
                problems.add(new FieldProblem(path + "." + name, "unknown field; known: " + FIELDS));
            }
        }
        Set<KeyAlgorithm> keyTypes = inherited.keyTypes();
        Object types = fields.get("keyTypes");
        if (types instanceof List<?> list && !list.isEmpty()) {
            Set<KeyAlgorithm> parsed = EnumSet.noneOf(KeyAlgorithm.class);
            for (Object type : list) {
                KeyAlgorithm.fromName(String.valueOf(type)).ifPresentOrElse(parsed::add, () -> problems.add(new FieldProblem(
                        path + ".keyTypes", "'" + type + "' is not one of P-256, P-384, RSA-2048, RSA-3072")));
            }
            keyTypes = parsed.isEmpty() ? keyTypes : parsed;
        } else if (types != null) {
            problems.add(new FieldProblem(path + ".keyTypes", "must be a non-empty list such as [\"P-256\"]"));
        }
        Duration retryAfter = inherited.retryAfter();
        Object seconds = fields.get("retryAfterSeconds");
        if (seconds instanceof Number n && n.intValue() >= 1 && n.intValue() <= 86_400) {
            retryAfter = Duration.ofSeconds(n.intValue());
        } else if (seconds != null) {
            problems.add(new FieldProblem(path + ".retryAfterSeconds", "must be a number of seconds, 1..86400"));
        }
        Object server = fields.get("server");
        if (server != null && !(server instanceof String)) {
            problems.add(new FieldProblem(path + ".server", "must be the name of a DM server"));
        }
        return new EstPolicy(keyTypes, flag(fields, "allowBootstrapCredential", inherited.allowBootstrapCredential(), path, problems),
                flag(fields, "approval", inherited.approval(), path, problems), retryAfter,
                flag(fields, "serverKeyGeneration", inherited.serverKeyGeneration(), path, problems),
                server instanceof String s ? s : inherited.server());
    }

    private static boolean flag(Map<String, Object> fields, String name, boolean inherited, String path, List<FieldProblem> problems) {
        Object value = fields.get(name);
        if (value == null) {
            return inherited;
        }
        if (value instanceof Boolean b) {
            return b;
        }
        problems.add(new FieldProblem(path + "." + name, "must be true or false"));
        return inherited;
    }

    /** A profile's default policy and its labelled ones. */
    public record Labelled(EstPolicy defaults, Map<String, EstPolicy> labels) {

        /** The policy of {@code label} (null: the default); throws {@link EstException} for an unknown label. */
        public EstPolicy forLabel(String label) {
            if (label == null) {
                return defaults;
            }
            EstPolicy policy = labels.get(label);
            if (policy == null) {
                throw new EstException(EstException.Status.NOT_FOUND, "label.unknown",
                        "the device's profile has no EST label '" + label + "'" + (labels.isEmpty() ? "" : "; known: " + labels.keySet()));
            }
            return policy;
        }
    }
}
