package io.lwm2m.provisioning.api.errors;

import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import io.lwm2m.provisioning.errors.FieldProblem;
import java.net.URI;
import java.util.List;
import java.util.Map;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import tools.jackson.databind.json.JsonMapper;

/** RFC 9457 problem documents, for the places that answer outside Spring MVC (security filters). */
public final class Problems {

    public static final String TYPE_BASE = "https://lwm2m-provisioning.dev/problems/";

    private Problems() {
    }

    /** The {@code errors} member: one {@code {field, message}} per broken rule. */
    static List<Map<String, String>> fields(List<FieldProblem> errors) {
        return errors.stream().map(p -> Map.of("field", p.field(), "message", p.message())).toList();
    }

    /**
     * A problem+json answer from a controller or an exception handler: {@code errors} lists the
     * broken rules per field (left out when empty), {@code requestId} names the request.
     */
    public static ResponseEntity<ProblemDetail> response(HttpStatus status, String title, String detail,
            List<FieldProblem> errors) {
        ProblemDetail problem = of(status, title, detail);
        if (!errors.isEmpty()) {
            problem.setProperty("errors", fields(errors));
        }
        if (RequestIds.current() != null) {
            problem.setProperty("requestId", RequestIds.current());
        }
        return ResponseEntity.status(status).contentType(MediaType.APPLICATION_PROBLEM_JSON).body(problem);
    }

    public static ProblemDetail of(HttpStatus status, String title, String detail) {
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(status, detail);
        problem.setTitle(title);
        problem.setType(URI.create(TYPE_BASE + title.toLowerCase().replaceAll("[^a-z0-9]+", "-")));
        return problem;
    }

    public static void write(HttpServletResponse response, JsonMapper json, HttpStatus status, String title, String detail)
            throws IOException {
        write(response, json, status, title, detail, List.of());
    }

    /** As {@link #write(HttpServletResponse, JsonMapper, HttpStatus, String, String)}, with the field-level list. */
    public static void write(HttpServletResponse response, JsonMapper json, HttpStatus status, String title, String detail,
            List<FieldProblem> errors) throws IOException {
        ProblemDetail problem = of(status, title, detail);
        if (!errors.isEmpty()) {
            problem.setProperty("errors", fields(errors));
        }
        Object requestId = RequestIds.current();
        if (requestId != null) {
            problem.setProperty("requestId", requestId);
        }
        response.setStatus(status.value());
        response.setContentType(MediaType.APPLICATION_PROBLEM_JSON_VALUE);
        json.writeValue(response.getOutputStream(), problem);
    }
}
