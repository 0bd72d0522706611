package io.lwm2m.provisioning.errors;

/** One rule one input field broke: which field (JSON path style), and what the rule is. */
public record FieldProblem(String field, String message) {
}
