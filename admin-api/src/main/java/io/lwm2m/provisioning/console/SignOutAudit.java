package io.lwm2m.provisioning.console;

import io.lwm2m.provisioning.api.auth.ApiActors;
import io.lwm2m.provisioning.audit.AuditEvent;
import io.lwm2m.provisioning.audit.AuditSink;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.util.Map;
import org.springframework.security.core.Authentication;
import org.springframework.security.web.authentication.logout.LogoutHandler;

/** Records a sign-out from the console, before the session it ends is gone. */
final class SignOutAudit implements LogoutHandler {

    private final AuditSink audit;

    SignOutAudit(AuditSink audit) {
        this.audit = audit;
    }

    @Override
    public void logout(HttpServletRequest request, HttpServletResponse response, Authentication authentication) {
        if (authentication != null) {
            audit.record(ApiActors.current(request).event("console.sign-out", "console", AuditEvent.Outcome.SUCCESS, Map.of()));
        }
    }
}
