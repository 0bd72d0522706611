package io.lwm2m.provisioning.api.openapi;

import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.method.HandlerMethod;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/** The parts of an OpenAPI operation that follow from the API's conventions rather than from one handler. */
final class Operations {

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final Map<Integer, String> WHY = Map.ofEntries(
            Map.entry(200, "success"),
            Map.entry(201, "created; the Location header names it"),
            Map.entry(202, "accepted: a background job, its state in the body; the Location header names it"),
            Map.entry(204, "done; no body"),
            Map.entry(400, "the request breaks a rule: the problem's 'errors' name each field or parameter and the rule"),
            Map.entry(401, "no credential, or one that is unknown, expired, revoked or tampered with"),
            Map.entry(403, "the caller's role does not allow this operation (audited)"),
            Map.entry(404, "nothing has that name or id"),
            Map.entry(409, "conflicts with the current state (taken name, pending rotation, already ended, in use, ...)"),
            Map.entry(410, "gone: destroyed after being acknowledged or expiring"),
            Map.entry(412, "the If-Match ETag is stale: read the object again and retry"),
            Map.entry(413, "the body is larger than the configured limit"),
            Map.entry(415, "the Content-Type is not one this operation takes"),
            Map.entry(422, "the Idempotency-Key was used for a different request"));

    private Operations() {
    }

    static String describe(int status) {
        String why = WHY.get(status);
        if (why != null) {
            return why;
        }
        HttpStatus known = HttpStatus.resolve(status);
        return known == null ? "status " + status : known.getReasonPhrase();
    }

    /**
     * The error statuses of an operation: 400 when it takes input, 401 and 403 unless it is public,
     * 404 with a path variable, 413 and 415 with a request body, and those {@link Operation#errors()} adds.
     */
    static List<Integer> errors(HandlerMethod handler, ObjectNode operation, boolean isPublic, Operation described) {
        TreeSet<Integer> statuses = new TreeSet<>();
        if (operation.has("parameters") || operation.has("requestBody")) {
            statuses.add(400);
        }
        if (!isPublic) {
            statuses.add(401);
            statuses.add(403);
        }
        for (var parameter : handler.getMethodParameters()) {
            if (parameter.hasParameterAnnotation(PathVariable.class)) {
                statuses.add(404);
            }
        }
        if (operation.has("requestBody")) {
            statuses.add(413);
            statuses.add(415);
        }
        if (described != null) {
            for (int status : described.errors()) {
                statuses.add(status);
            }
        }
        return List.copyOf(statuses);
    }

    /**
     * A file upload: the raw file in one of {@code mediaTypes}, or (for {@code multipart/form-data})
     * a form whose part {@code file} holds it, as browsers and generated clients send files.
     */
    static ObjectNode fileUpload(List<String> mediaTypes) {
        ObjectNode body = NODES.objectNode().put("required", true)
                .put("description", "The file of devices; streamed, never held whole");
        ObjectNode content = body.putObject("content");
        List<String> fileTypes = mediaTypes.stream().filter(t -> !t.equals(MediaType.MULTIPART_FORM_DATA_VALUE)).toList();
        for (String mediaType : mediaTypes) {
            ObjectNode schema = content.putObject(mediaType).putObject("schema");
            if (mediaType.equals(MediaType.MULTIPART_FORM_DATA_VALUE)) {
                schema.put("type", "object").putArray("required").add("file");
                schema.putObject("properties").putObject("file").put("type", "string").put("format", "binary")
                        .put("description", "the file: " + String.join(" or ", fileTypes)
                                + " by its part's Content-Type, else by its name (*.csv, *.ndjson, *.jsonl)");
                ((ObjectNode) content.get(mediaType)).putObject("encoding").putObject("file")
                        .put("contentType", String.join(", ", fileTypes));
            } else {
                schema.put("type", "string").put("format", "binary");
            }
        }
        return body;
    }

    /** One operation served by two handlers that differ in the media type they produce: their responses' content joined. */
    static ObjectNode merge(ObjectNode first, ObjectNode second) {
        ObjectNode responses = (ObjectNode) first.get("responses");
        for (Map.Entry<String, JsonNode> response : second.get("responses").properties()) {
            JsonNode target = responses.get(response.getKey());
            if (target == null) {
                responses.set(response.getKey(), response.getValue());
            } else if (target.has("content") && response.getValue().has("content")) {
                ObjectNode content = (ObjectNode) target.get("content");
                response.getValue().get("content").properties().forEach(e -> {
                    if (!content.has(e.getKey())) {
                        content.set(e.getKey(), e.getValue());
                    }
                });
            }
        }
        if (!first.has("summary") && second.has("summary")) {
            first.put("summary", second.get("summary").asString());
            first.put("operationId", second.get("operationId").asString());
        }
        return first;
    }
}
