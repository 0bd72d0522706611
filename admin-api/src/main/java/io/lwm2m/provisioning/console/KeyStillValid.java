package io.lwm2m.provisioning.console;

import io.lwm2m.provisioning.api.auth.ApiKey;
import io.lwm2m.provisioning.api.auth.ApiKeyService;
import io.lwm2m.provisioning.errors.NotFoundException;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpSession;
import java.io.IOException;
import java.time.Instant;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * A console session signed in with an API key lasts only as long as the key: revoked or expired,
 * it ends the session at its next request, as it would fail the next API call. The session keeps
 * the key's id, never the key.
 */
final class KeyStillValid extends OncePerRequestFilter {

    static final String KEY_ID = "console.api-key-id";

    private final ApiKeyService keys;

    KeyStillValid(ApiKeyService keys) {
        this.keys = keys;
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        HttpSession session = request.getSession(false);
        Object id = session == null ? null : session.getAttribute(KEY_ID);
        if (id instanceof Long keyId && !valid(keyId)) {
            session.invalidate();
            SecurityContextHolder.clearContext();
            response.sendRedirect(request.getContextPath() + SignInController.PATH + "?key-ended");
            return;
        }
        chain.doFilter(request, response);
    }

    private boolean valid(long keyId) {
        try {
            ApiKey key = keys.get(keyId);
            return key.validAt(Instant.now());
        } catch (NotFoundException e) {
            return false;
        }
    }
}
