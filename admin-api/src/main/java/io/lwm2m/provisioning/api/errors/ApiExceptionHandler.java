package io.lwm2m.provisioning.api.errors;

import io.lwm2m.provisioning.errors.ConflictException;
import io.lwm2m.provisioning.errors.FieldProblem;
import io.lwm2m.provisioning.errors.InvalidInputException;
import io.lwm2m.provisioning.errors.NotFoundException;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.beans.TypeMismatchException;
import org.springframework.http.converter.HttpMessageNotReadableException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.context.request.WebRequest;
import org.springframework.web.servlet.mvc.method.annotation.ResponseEntityExceptionHandler;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.exc.MismatchedInputException;
import tools.jackson.databind.exc.UnrecognizedPropertyException;

/**
 * Maps failures to RFC 9457 problem+json. Validation problems list every field with its rule.
 * Messages never quote request bodies: a body may hold a key. A role check that fails inside a
 * controller is answered by {@code auth.AccessDeniedAnswers}, which runs before this.
 */
@RestControllerAdvice
class ApiExceptionHandler extends ResponseEntityExceptionHandler {

    private static final Logger log = LoggerFactory.getLogger(ApiExceptionHandler.class);

    @ExceptionHandler(InvalidInputException.class)
    ResponseEntity<ProblemDetail> invalid(InvalidInputException e) {
        return problem(HttpStatus.BAD_REQUEST, "Invalid request", "The request breaks " + e.problems().size()
                + " rule(s); see 'errors'.", e.problems());
    }

    @ExceptionHandler(ConflictException.class)
    ResponseEntity<ProblemDetail> conflict(ConflictException e) {
        return problem(HttpStatus.CONFLICT, "Conflict", e.getMessage(), List.of(new FieldProblem(e.field(), e.getMessage())));
    }

    @ExceptionHandler(io.lwm2m.provisioning.bootstrap.profiles.ProfileService.PreconditionFailedException.class)
    ResponseEntity<ProblemDetail> stale(RuntimeException e) {
        return problem(HttpStatus.PRECONDITION_FAILED, "Precondition failed", e.getMessage(), List.of());
    }

    /**
     * Two requests changed the same object at once: its version moved, or PostgreSQL broke a circle of
     * waits between them (deadlock_detected) by ending this one. The later one may simply retry.
     */
    @ExceptionHandler({org.springframework.dao.OptimisticLockingFailureException.class,
            jakarta.persistence.OptimisticLockException.class,
            org.springframework.dao.PessimisticLockingFailureException.class,
            jakarta.persistence.PessimisticLockException.class})
    ResponseEntity<ProblemDetail> concurrentChange(RuntimeException e) {
        return problem(HttpStatus.CONFLICT, "Conflict", "Another request changed this resource at the same moment; "
                + "read it again and retry.", List.of());
    }

    @ExceptionHandler(NotFoundException.class)
    ResponseEntity<ProblemDetail> notFound(NotFoundException e) {
        return problem(HttpStatus.NOT_FOUND, "Not found", e.getMessage(), List.of());
    }

    /**
     * Spring Security's firewall checks parameter names lazily, when something reads a form body's
     * parameters: a refusal then surfaces here rather than in its filter.
     */
    @ExceptionHandler(org.springframework.security.web.firewall.RequestRejectedException.class)
    ResponseEntity<ProblemDetail> rejected(RuntimeException e) {
        return problem(HttpStatus.BAD_REQUEST, "Invalid request", "The request's parameters are not acceptable: "
                + "names and values must be printable text.", List.of());
    }

    @ExceptionHandler(Exception.class)
    ResponseEntity<ProblemDetail> unexpected(Exception e) {
        log.error("Unexpected error in an API request", e);
        return problem(HttpStatus.INTERNAL_SERVER_ERROR, "Internal error",
                "The server failed to handle the request; the log has details under this request id.", List.of());
    }

    @Override
    protected ResponseEntity<Object> handleHttpMessageNotReadable(HttpMessageNotReadableException e, HttpHeaders headers,
            HttpStatusCode status, WebRequest request) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof RequestSizeLimit.TooLargeException tooLarge) {
                return asObject(problem(HttpStatus.CONTENT_TOO_LARGE, "Request too large",
                        RequestSizeLimit.message(tooLarge.limit), List.of()));
            }
        }
        Throwable cause = e.getMostSpecificCause();
        // A value Jackson handed to a parser (an instant, say) fails below it: name the field all the same.
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof JacksonException jackson && !jackson.getPath().isEmpty()) {
                cause = t;
                break;
            }
        }
        if (cause instanceof StrictJsonBodies.UnsafeTextException unsafe) {
            return asObject(problem(HttpStatus.BAD_REQUEST, "Invalid request", "The request breaks 1 rule(s); see 'errors'.",
                    List.of(new FieldProblem(unsafe.getPath().isEmpty() ? "body" : path(unsafe), unsafe.rule()))));
        }
        FieldProblem fieldProblem = null;
        if (cause instanceof UnrecognizedPropertyException unknown) {
            fieldProblem = new FieldProblem(path(unknown), "is not a field of this resource");
        } else if (cause instanceof MismatchedInputException mismatch && !mismatch.getPath().isEmpty()) {
            fieldProblem = new FieldProblem(path(mismatch), "has the wrong type (expected "
                    + (mismatch.getTargetType() == null ? "another type" : describe(mismatch.getTargetType())) + ")");
        } else if (cause instanceof JacksonException jackson && !jackson.getPath().isEmpty()) {
            fieldProblem = new FieldProblem(path(jackson), "has a value that cannot be read as this field's type");
        }
        String detail = "The request body is not valid JSON for this resource";
        if (fieldProblem == null && cause instanceof JacksonException jackson && jackson.getLocation() != null) {
            detail += " (line " + jackson.getLocation().getLineNr() + ", column " + jackson.getLocation().getColumnNr() + ")";
        } else if (fieldProblem == null && e.getMessage() != null && e.getMessage().startsWith("Required request body is missing")) {
            detail = "The request needs a JSON body";
        }
        return asObject(problem(HttpStatus.BAD_REQUEST, "Malformed request", detail + ".",
                fieldProblem == null ? List.of() : List.of(fieldProblem)));
    }

    /** A path or query parameter of the wrong type (a word where a number belongs) names the parameter. */
    @Override
    protected ResponseEntity<Object> handleTypeMismatch(TypeMismatchException e, HttpHeaders headers, HttpStatusCode status,
            WebRequest request) {
        String field = e.getPropertyName() == null ? "parameter" : e.getPropertyName();
        return asObject(problem(HttpStatus.BAD_REQUEST, "Invalid request", "The request breaks 1 rule(s); see 'errors'.",
                List.of(new FieldProblem(field, "has the wrong type (expected "
                        + (e.getRequiredType() == null ? "another type" : describe(e.getRequiredType())) + ")"))));
    }

    @Override
    protected ResponseEntity<Object> handleExceptionInternal(Exception e, Object body, HttpHeaders headers,
            HttpStatusCode statusCode, WebRequest request) {
        ResponseEntity<Object> response = super.handleExceptionInternal(e, body, headers, statusCode, request);
        if (response != null && response.getBody() instanceof ProblemDetail problem && RequestIds.current() != null) {
            problem.setProperty("requestId", RequestIds.current());
        }
        return response;
    }

    private static String path(JacksonException e) {
        StringBuilder path = new StringBuilder();
        for (JacksonException.Reference ref : e.getPath()) {
            if (ref.getPropertyName() != null) {
                path.append(path.isEmpty() ? "" : ".").append(ref.getPropertyName());
            } else if (ref.getIndex() >= 0) {
                path.append('[').append(ref.getIndex()).append(']');
            }
        }
        return path.toString();
    }

    private static String describe(Class<?> type) {
        if (Number.class.isAssignableFrom(type) || type == int.class || type == long.class) {
            return "a number";
        }
        if (type == Boolean.class || type == boolean.class) {
            return "true or false";
        }
        if (type == String.class) {
            return "a string";
        }
        if (type == java.time.Instant.class) {
            return "an ISO-8601 instant such as 2026-01-31T12:00:00Z";
        }
        if (List.class.isAssignableFrom(type)) {
            return "an array";
        }
        return "an object";
    }

    private static ResponseEntity<ProblemDetail> problem(HttpStatus status, String title, String detail,
            List<FieldProblem> errors) {
        return Problems.response(status, title, detail, errors);
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private static ResponseEntity<Object> asObject(ResponseEntity<ProblemDetail> response) {
        return (ResponseEntity) response;
    }
}
