package io.lwm2m.provisioning.console;

import io.lwm2m.provisioning.api.auth.ApiActors;
import io.lwm2m.provisioning.api.auth.ApiPrincipal;
import io.lwm2m.provisioning.audit.AuditEvent;
import io.lwm2m.provisioning.audit.AuditSink;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpSession;
import java.util.Map;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.core.authority.SimpleGrantedAuthority;
import org.springframework.security.core.context.SecurityContext;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.web.context.HttpSessionSecurityContextRepository;
import org.springframework.security.web.csrf.HttpSessionCsrfTokenRepository;
import org.springframework.security.web.savedrequest.HttpSessionRequestCache;
import org.springframework.security.web.savedrequest.SavedRequest;
import org.springframework.stereotype.Component;

/**
 * Starts a console session for a person who proved who they are (an API key, or the OpenID Connect
 * issuer): a new session id (a session fixed before sign-in is worth nothing after), the same
 * principal and roles an API call with that credential gets, a fresh CSRF token, the idle timeout,
 * and an audit event. Returns where to go next: the page that asked for sign-in, or the overview.
 */
@Component
class ConsoleSessions {

    private final AuditSink audit;
    private final ConsoleSettings settings;
    private final HttpSessionSecurityContextRepository contexts = new HttpSessionSecurityContextRepository();
    private final HttpSessionCsrfTokenRepository csrfTokens = new HttpSessionCsrfTokenRepository();
    private final HttpSessionRequestCache requests = new HttpSessionRequestCache();

    ConsoleSessions(AuditSink audit, ConsoleSettings settings) {
        this.audit = audit;
        this.settings = settings;
    }

    /** @param apiKeyId the key signed in with (the session ends with it), or null for an issuer's sign-in */
    String start(ApiPrincipal principal, Long apiKeyId, HttpServletRequest request, HttpServletResponse response) {
        SavedRequest saved = requests.getRequest(request, response);
        if (request.getSession(false) != null) {
            request.changeSessionId();
        }
        HttpSession session = request.getSession(true);
        session.setMaxInactiveInterval((int) settings.idleTimeout().toSeconds());
        if (apiKeyId != null) {
            session.setAttribute(KeyStillValid.KEY_ID, apiKeyId);
        }
        SecurityContext context = SecurityContextHolder.createEmptyContext();
        context.setAuthentication(UsernamePasswordAuthenticationToken.authenticated(principal, null,
                principal.roles().stream().map(r -> new SimpleGrantedAuthority(r.authority())).toList()));
        SecurityContextHolder.setContext(context);
        contexts.saveContext(context, request, response);
        csrfTokens.saveToken(null, request, response);
        requests.removeRequest(request, response);
        audit.record(ApiActors.current(request).event("console.sign-in", "console", AuditEvent.Outcome.SUCCESS,
                Map.of("method", apiKeyId != null ? "api-key" : "openid-connect")));
        String target = saved == null ? null : saved.getRedirectUrl();
        return target != null && target.startsWith(request.getScheme() + "://") && target.contains("/console") ? target : "/console";
    }
}
