package io.lwm2m.provisioning.api.errors;

import jakarta.servlet.DispatcherType;
import jakarta.servlet.RequestDispatcher;
import jakarta.servlet.http.HttpServletRequest;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.List;
import org.apache.catalina.core.StandardHost;
import org.springframework.boot.tomcat.servlet.TomcatServletWebServerFactory;
import org.springframework.boot.web.server.WebServerFactoryCustomizer;
import org.springframework.boot.webmvc.error.ErrorController;
import org.springframework.context.annotation.Bean;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.security.web.firewall.RequestRejectedHandler;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.json.JsonMapper;

/**
 * Every error answer is problem+json, including those that never reach a controller: Spring
 * Security's firewall refusing a path ({@code ..}, {@code ;}, an encoded '%', '.' or line break),
 * the servlet container's error page ({@code /error}, instead of Spring Boot's default JSON), and
 * Tomcat's own refusals ({@link ProblemErrorReportValve}, instead of its HTML page).
 */
@RestController
class ProblemErrorPages implements ErrorController {

    /** The firewall's refusals; a path it refuses cannot name any resource, so the caller's request is malformed. */
    @Bean
    static RequestRejectedHandler problemRequestRejectedHandler(JsonMapper json) {
        return (request, response, e) -> Problems.write(response, json, HttpStatus.BAD_REQUEST, "Invalid request",
                "The request path is not in canonical form: no '.' or '..' segments, empty segments, ';', or encoded "
                        + "'%', '.', '/', '\\' or line breaks.");
    }

    @Bean
    static WebServerFactoryCustomizer<TomcatServletWebServerFactory> problemErrorReportValve() {
        return factory -> factory.addContextCustomizers(context -> {
            if (context.getParent() instanceof StandardHost host) {
                host.setErrorReportValveClass(ProblemErrorReportValve.class.getName());
            }
        });
    }

    /**
     * What the container forwards to its error page: a status no handler wrote a body for (Tomcat's
     * refusal of TRACE, for one). Asked for directly, the page is a path like any other that names
     * nothing: 404, not the 500 a missing status would read as.
     */
    @RequestMapping("${server.error.path:/error}")
    ResponseEntity<ProblemDetail> error(HttpServletRequest request) {
        Object code = request.getAttribute(RequestDispatcher.ERROR_STATUS_CODE);
        HttpStatus status = request.getDispatcherType() != DispatcherType.ERROR ? HttpStatus.NOT_FOUND
                : code instanceof Integer c && HttpStatus.resolve(c) != null ? HttpStatus.resolve(c)
                : HttpStatus.INTERNAL_SERVER_ERROR;
        if (status.is2xxSuccessful() || status.is3xxRedirection()) {
            status = HttpStatus.NOT_FOUND;
        }
        String detail = status == HttpStatus.BAD_REQUEST ? "The request is malformed." : status.is5xxServerError()
                ? "The server failed to handle the request; the log has details under this request id."
                : "The request could not be handled (" + status.getReasonPhrase() + ").";
        ResponseEntity<ProblemDetail> answer = Problems.response(status, status.getReasonPhrase(), detail, List.of());
        // The request that failed, not this page.
        if (request.getAttribute(RequestDispatcher.ERROR_REQUEST_URI) instanceof String failed) {
            try {
                answer.getBody().setInstance(new URI(failed));
            } catch (URISyntaxException e) {
                // a path the container let through but no URI can hold: the answer names none
            }
        }
        return answer;
    }
}
