package io.lwm2m.provisioning.api.errors;

import io.lwm2m.provisioning.errors.FieldProblem;
import io.lwm2m.provisioning.errors.InputText;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpStatus;
import org.springframework.http.InvalidMediaTypeException;
import org.springframework.http.MediaType;
import org.springframework.stereotype.Component;
import org.springframework.web.filter.OncePerRequestFilter;
import tools.jackson.databind.json.JsonMapper;

/**
 * Refuses bad bytes where they enter, before authentication and before any of them can reach a
 * query: a path segment or query parameter that is not strict percent-encoded UTF-8, or holds NUL,
 * control or bidirectional formatting characters, or a query value longer than
 * {@link #MAX_QUERY_VALUE} characters, gets 400 naming the parameter; a Content-Type that is not
 * one concrete media type (such as {@code *}{@code /*}) gets 415. Tomcat refuses the worst paths
 * itself ({@link ProblemErrorReportValve} words its answer).
 */
@Component
@Order(Ordered.HIGHEST_PRECEDENCE + 2)
class RequestTextGuard extends OncePerRequestFilter {

    /** Longer than any filter, cursor or instant the API takes. */
    static final int MAX_QUERY_VALUE = 1024;

    private final JsonMapper json;

    RequestTextGuard(JsonMapper json) {
        this.json = json;
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        String contentType = request.getContentType();
        if (contentType != null && !concrete(contentType)) {
            Problems.write(response, json, HttpStatus.UNSUPPORTED_MEDIA_TYPE, "Unsupported Media Type",
                    "Content-Type must name one media type, such as application/json; wildcards are for Accept.");
            return;
        }
        FieldProblem problem = pathProblem(request.getRequestURI());
        if (problem == null) {
            problem = queryProblem(request.getQueryString());
        }
        if (problem != null) {
            Problems.write(response, json, HttpStatus.BAD_REQUEST, "Invalid request", "The request breaks 1 rule(s); see 'errors'.",
                    List.of(problem));
            return;
        }
        chain.doFilter(request, response);
    }

    private static boolean concrete(String contentType) {
        try {
            MediaType type = MediaType.parseMediaType(contentType);
            return !type.isWildcardType() && !type.isWildcardSubtype();
        } catch (InvalidMediaTypeException e) {
            return false;
        }
    }

    /** The rule a path segment breaks, or null. */
    static FieldProblem pathProblem(String rawPath) {
        if (rawPath == null) {
            return null;
        }
        for (String segment : rawPath.split("/", -1)) {
            String decoded = decode(segment, false);
            String rule = decoded == null ? "must be percent-encoded UTF-8" : InputText.lineProblem(decoded);
            if (rule != null) {
                return new FieldProblem("path", rule);
            }
        }
        return null;
    }

    /** The rule a query parameter breaks (named by the parameter, if its name is readable), or null. */
    static FieldProblem queryProblem(String rawQuery) {
        if (rawQuery == null || rawQuery.isEmpty()) {
            return null;
        }
        for (String pair : rawQuery.split("&", -1)) {
            int eq = pair.indexOf('=');
            String name = decode(eq < 0 ? pair : pair.substring(0, eq), true);
            if (name == null || InputText.lineProblem(name, 64) != null) {
                return new FieldProblem("query", "parameter names must be short printable percent-encoded UTF-8");
            }
            if (eq < 0) {
                continue;
            }
            String value = decode(pair.substring(eq + 1), true);
            String rule = value == null ? "must be percent-encoded UTF-8" : InputText.lineProblem(value, MAX_QUERY_VALUE);
            if (rule != null) {
                return new FieldProblem(name, rule);
            }
        }
        return null;
    }

    /** Strict percent-decoding into strict UTF-8; null if either is broken. {@code form}: '+' is a space, as in a query. */
    static String decode(String raw, boolean form) {
        if (raw.indexOf('%') < 0 && (!form || raw.indexOf('+') < 0)) {
            return raw;
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(raw.length());
        for (int i = 0; i < raw.length(); i++) {
            char c = raw.charAt(i);
            if (c == '%') {
                int high = i + 2 < raw.length() ? Character.digit(raw.charAt(i + 1), 16) : -1;
                int low = high < 0 ? -1 : Character.digit(raw.charAt(i + 2), 16);
                if (low < 0) {
                    return null;
                }
                bytes.write(high << 4 | low);
                i += 2;
            } else if (c == '+' && form) {
                bytes.write(' ');
            } else {
                // The raw request line is ASCII; anything else came from a client that did not encode it.
                byte[] encoded = String.valueOf(c).getBytes(StandardCharsets.UTF_8);
                bytes.write(encoded, 0, encoded.length);
            }
        }
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes.toByteArray())).toString();
        } catch (CharacterCodingException e) {
            return null;
        }
    }
}
