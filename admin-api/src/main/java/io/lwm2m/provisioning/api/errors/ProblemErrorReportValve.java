package io.lwm2m.provisioning.api.errors;

import java.io.IOException;
import java.io.Writer;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.catalina.connector.Request;
import org.apache.catalina.connector.Response;
import org.apache.catalina.valves.ErrorReportValve;
import org.apache.coyote.ActionCode;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import tools.jackson.databind.json.JsonMapper;

/**
 * Tomcat's own error answers as problem+json instead of its HTML page: requests Tomcat refuses
 * before any filter runs (a NUL byte, an encoded '/' or '\', broken percent-encoding or UTF-8 in
 * the path, a character that must be encoded) and any error no one else wrote a body for. Tomcat
 * creates it by class name (the host's error report valve), so it holds no Spring beans.
 */
public class ProblemErrorReportValve extends ErrorReportValve {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    @Override
    protected void report(Request request, Response response, Throwable throwable) {
        int status = response.getStatus();
        if (status < 400 || response.getContentWritten() > 0 || !response.setErrorReported()) {
            return;
        }
        AtomicBoolean ioAllowed = new AtomicBoolean(false);
        response.getCoyoteResponse().action(ActionCode.IS_IO_ALLOWED, ioAllowed);
        if (!ioAllowed.get()) {
            return;
        }
        HttpStatus known = HttpStatus.resolve(status);
        String title = known == null ? "Error" : known.getReasonPhrase();
        String requestId = response.getHeader(RequestIds.HEADER);
        if (requestId == null) {
            requestId = UUID.randomUUID().toString();
            response.setHeader(RequestIds.HEADER, requestId);
        }
        Map<String, Object> problem = new LinkedHashMap<>();
        problem.put("type", Problems.TYPE_BASE + title.toLowerCase().replaceAll("[^a-z0-9]+", "-"));
        problem.put("title", title);
        problem.put("status", status);
        problem.put("detail", status == 400 ? "The request line or a header is malformed: percent-encode path segments and "
                + "query values as UTF-8 (RFC 3986); an encoded '/' or '\\', a NUL byte or broken percent-encoding is never accepted."
                : "The server could not handle this request (" + title + ").");
        problem.put("requestId", requestId);
        try {
            response.setContentType(MediaType.APPLICATION_PROBLEM_JSON_VALUE);
            response.setCharacterEncoding("utf-8");
            Writer writer = response.getReporter();
            if (writer != null) {
                writer.write(JSON.writeValueAsString(problem));
                response.finishResponse();
            }
        } catch (IOException | IllegalStateException e) {
            // The client is gone or the response cannot take a body: nothing more to tell it.
        }
    }
}
