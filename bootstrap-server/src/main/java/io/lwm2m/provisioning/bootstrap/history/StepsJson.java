package io.lwm2m.provisioning.bootstrap.history;

import io.lwm2m.provisioning.bootstrap.sessions.ResponseCode;
import io.lwm2m.provisioning.bootstrap.sessions.SessionStep;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * A session's steps as its row keeps them: one JSON array in {@code bootstrap_sessions.steps},
 * written with the session's end in one statement.
 */
final class StepsJson {

    private StepsJson() {
    }

    private static final JsonMapper JSON = JsonMapper.builder().build();

    /** The JSON array the {@code steps} column holds. */
    static String toJson(List<SessionStep> steps) {
        ArrayNode array = JSON.createArrayNode();
        for (SessionStep step : steps) {
            ObjectNode node = array.addObject();
            node.put("operation", step.operation());
            node.put("path", step.path());
            node.put("responseCode", step.responseCode() == null ? null : step.responseCode().toString());
            node.put("detail", step.detail());
            node.put("sentAt", step.sentAt().toString());
            node.put("durationMs", step.durationMs());
        }
        return JSON.writeValueAsString(array);
    }

    /** Reads the {@code steps} column; timestamps written by PostgreSQL (the V10 migration) carry an offset. */
    static List<SessionStep> fromJson(String json) {
        List<SessionStep> steps = new ArrayList<>();
        if (json == null || json.isBlank()) {
            return steps;
        }
        for (JsonNode node : JSON.readTree(json)) {
            String code = text(node, "responseCode");
            steps.add(new SessionStep(text(node, "operation"), text(node, "path"), code == null ? null : ResponseCode.parse(code),
                    text(node, "detail"), OffsetDateTime.parse(text(node, "sentAt")).toInstant(),
                    node.hasNonNull("durationMs") ? node.get("durationMs").asInt() : null));
        }
        return steps;
    }

    private static String text(JsonNode node, String field) {
        return node.hasNonNull(field) ? node.get(field).asString() : null;
    }
}
