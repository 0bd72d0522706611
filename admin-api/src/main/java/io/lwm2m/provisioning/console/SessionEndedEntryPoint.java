package io.lwm2m.provisioning.console;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.security.core.AuthenticationException;
import org.springframework.security.web.authentication.LoginUrlAuthenticationEntryPoint;

/**
 * Sends a person without a session to the sign-in page, and says why when the browser still held a
 * session that has ended (idle longer than {@code provisioning.console.idle-timeout}, or signed out
 * elsewhere): a page that silently asks for the key again looks like a fault.
 */
final class SessionEndedEntryPoint extends LoginUrlAuthenticationEntryPoint {

    static final String ENDED = "session-ended";

    SessionEndedEntryPoint(String signIn) {
        super(signIn);
    }

    @Override
    protected String determineUrlToUseForThisRequest(HttpServletRequest request, HttpServletResponse response,
            AuthenticationException exception) {
        boolean ended = request.getRequestedSessionId() != null && !request.isRequestedSessionIdValid();
        return ended ? getLoginFormUrl() + "?" + ENDED : getLoginFormUrl();
    }
}
