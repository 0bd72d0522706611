package io.lwm2m.provisioning.api.auth;

import io.lwm2m.provisioning.api.errors.Problems;
import jakarta.servlet.http.HttpServletRequest;
import java.util.List;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.security.access.AccessDeniedException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;

/**
 * A role check on a controller method failed: the caller is authenticated, so 403 (audited). Ahead
 * of the general exception handler, which would otherwise take the refusal for an internal error; after the
 * console's own advice, which answers its refusals with a page.
 */
@RestControllerAdvice
@Order(Ordered.HIGHEST_PRECEDENCE + 1)
class AccessDeniedAnswers {

    private final AccessDenials denials;

    AccessDeniedAnswers(AccessDenials denials) {
        this.denials = denials;
    }

    @ExceptionHandler(AccessDeniedException.class)
    ResponseEntity<ProblemDetail> forbidden(AccessDeniedException e, HttpServletRequest request) {
        denials.record(request);
        // Method security says "Access Denied"; an object-level refusal says which rule it applied.
        String detail = e.getMessage() == null || e.getMessage().equals("Access Denied") ? AccessDenials.DETAIL : e.getMessage();
        return Problems.response(HttpStatus.FORBIDDEN, "Forbidden", detail, List.of());
    }
}
