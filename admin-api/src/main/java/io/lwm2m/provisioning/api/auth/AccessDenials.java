package io.lwm2m.provisioning.api.auth;

import io.lwm2m.provisioning.audit.AuditEvent;
import io.lwm2m.provisioning.audit.AuditSink;
import jakarta.servlet.http.HttpServletRequest;
import java.util.Map;
import org.springframework.stereotype.Component;

/** Audits calls refused for their caller's role (403), so a key probing beyond its role shows. */
@Component
public class AccessDenials {

    public static final String DETAIL = "The caller's role does not allow this operation.";

    private final AuditSink audit;

    AccessDenials(AuditSink audit) {
        this.audit = audit;
    }

    public void record(HttpServletRequest request) {
        audit.record(ApiActors.current(request).event("api.denied", "api:" + request.getMethod() + " " + truncate(request.getRequestURI()),
                AuditEvent.Outcome.DENIED, Map.of()));
    }

    private static String truncate(String path) {
        return path.length() > 200 ? path.substring(0, 200) : path;
    }
}
