package io.lwm2m.provisioning.console;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.util.function.Supplier;
import org.springframework.security.web.csrf.CsrfToken;
import org.springframework.security.web.csrf.CsrfTokenRequestHandler;
import org.springframework.security.web.csrf.XorCsrfTokenRequestAttributeHandler;

/**
 * Spring Security's masked CSRF tokens (a fresh mask per page, against BREACH), with one fix: a forged
 * token whose unmasked bytes are not UTF-8 made Spring Security's handler throw, and the request end in
 * a 500 with a stack trace; here it is simply no token, and the request is refused with 403.
 */
final class MaskedCsrfTokens implements CsrfTokenRequestHandler {

    private final XorCsrfTokenRequestAttributeHandler masked = new XorCsrfTokenRequestAttributeHandler();

    @Override
    public void handle(HttpServletRequest request, HttpServletResponse response, Supplier<CsrfToken> csrfToken) {
        masked.handle(request, response, csrfToken);
    }

    @Override
    public String resolveCsrfTokenValue(HttpServletRequest request, CsrfToken csrfToken) {
        try {
            return masked.resolveCsrfTokenValue(request, csrfToken);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }
}
