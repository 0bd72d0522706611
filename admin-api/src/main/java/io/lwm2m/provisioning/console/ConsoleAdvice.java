package io.lwm2m.provisioning.console;

import io.lwm2m.provisioning.api.auth.AccessDenials;
import io.lwm2m.provisioning.api.auth.ApiPrincipal;
import io.lwm2m.provisioning.api.errors.RequestIds;
import io.lwm2m.provisioning.bootstrap.profiles.ProfileService;
import io.lwm2m.provisioning.errors.ConflictException;
import io.lwm2m.provisioning.errors.FieldProblem;
import io.lwm2m.provisioning.errors.InvalidInputException;
import io.lwm2m.provisioning.errors.NotFoundException;
import jakarta.servlet.http.HttpServletRequest;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.security.access.AccessDeniedException;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.web.bind.annotation.ControllerAdvice;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.ModelAttribute;
import org.springframework.web.servlet.ModelAndView;

/**
 * What every console page has: the person signed in and what they may press ({@link Permissions}),
 * and how a failure reads: a page saying what went wrong in the API's words (the same messages), with
 * the request id, or the same as JSON for the page's scripts. Before the API's advice, for console
 * controllers only.
 */
@ControllerAdvice(basePackageClasses = ConsoleAdvice.class)
@Order(Ordered.HIGHEST_PRECEDENCE)
class ConsoleAdvice {

    private static final Logger log = LoggerFactory.getLogger(ConsoleAdvice.class);

    private final AccessDenials denials;

    ConsoleAdvice(AccessDenials denials) {
        this.denials = denials;
    }

    @ModelAttribute("can")
    Permissions can() {
        return Permissions.current();
    }

    @ModelAttribute("user")
    ApiPrincipal user() {
        return currentUser();
    }

    private static ApiPrincipal currentUser() {
        Authentication authentication = SecurityContextHolder.getContext().getAuthentication();
        return authentication != null && authentication.getPrincipal() instanceof ApiPrincipal principal ? principal : null;
    }

    @ExceptionHandler(InvalidInputException.class)
    Object invalid(InvalidInputException e, HttpServletRequest request) {
        return failure(HttpStatus.BAD_REQUEST, "The request breaks " + e.problems().size() + " rule(s)", e.problems(), request);
    }

    @ExceptionHandler(ConflictException.class)
    Object conflict(ConflictException e, HttpServletRequest request) {
        return failure(HttpStatus.CONFLICT, e.getMessage(), List.of(), request);
    }

    @ExceptionHandler(ProfileService.PreconditionFailedException.class)
    Object stale(RuntimeException e, HttpServletRequest request) {
        return failure(HttpStatus.PRECONDITION_FAILED, e.getMessage(), List.of(), request);
    }

    @ExceptionHandler(NotFoundException.class)
    Object notFound(NotFoundException e, HttpServletRequest request) {
        return failure(HttpStatus.NOT_FOUND, e.getMessage(), List.of(), request);
    }

    /** A rule of the server refused the person's role: audited as an API refusal is. */
    @ExceptionHandler(AccessDeniedException.class)
    Object forbidden(AccessDeniedException e, HttpServletRequest request) {
        denials.record(request);
        String detail = e.getMessage() == null || e.getMessage().equals("Access Denied") ? AccessDenials.DETAIL : e.getMessage();
        return failure(HttpStatus.FORBIDDEN, detail, List.of(), request);
    }

    @ExceptionHandler(Exception.class)
    Object unexpected(Exception e, HttpServletRequest request) {
        HttpStatus status = ConsoleFailures.statusOf(e);
        if (status.is5xxServerError()) {
            log.error("Unexpected error in a console request", e);
            return failure(status, "The server failed to handle the request; the log has details under this request id.",
                    List.of(), request);
        }
        return failure(status, ConsoleFailures.detailOf(e, status), List.of(), request);
    }

    private static Object failure(HttpStatus status, String detail, List<FieldProblem> problems, HttpServletRequest request) {
        if (wantsJson(request)) {
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("status", status.value());
            body.put("detail", detail);
            body.put("errors", problems);
            body.put("requestId", RequestIds.current());
            return ResponseEntity.status(status).contentType(MediaType.APPLICATION_JSON).body(body);
        }
        ModelAndView page = new ModelAndView("console/error");
        page.setStatus(status);
        page.addObject("status", status.value());
        page.addObject("title", status.getReasonPhrase());
        page.addObject("detail", detail);
        page.addObject("problems", problems);
        page.addObject("requestId", RequestIds.current());
        page.addObject("can", Permissions.current());
        page.addObject("user", currentUser());
        return page;
    }

    private static boolean wantsJson(HttpServletRequest request) {
        String accept = request.getHeader("Accept");
        return accept != null && accept.startsWith(MediaType.APPLICATION_JSON_VALUE);
    }
}
