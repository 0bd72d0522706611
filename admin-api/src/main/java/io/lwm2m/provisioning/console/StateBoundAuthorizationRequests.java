package io.lwm2m.provisioning.console;

import jakarta.servlet.http.Cookie;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.springframework.http.ResponseCookie;
import org.springframework.security.oauth2.client.web.AuthorizationRequestRepository;
import org.springframework.security.oauth2.core.endpoint.OAuth2AuthorizationRequest;

/**
 * Login requests in flight at the OpenID Connect issuer, kept here by their {@code state} (the
 * session cookie, SameSite=Strict, does not come back with the issuer's redirect) and bound to the
 * browser that started them by a random value in a SameSite=Lax cookie that does: a callback
 * carrying someone else's state and code (login CSRF) finds no match. Unused entries expire after
 * {@link #LIFETIME}; at most {@link #MAX_PENDING} are kept.
 */
final class StateBoundAuthorizationRequests implements AuthorizationRequestRepository<OAuth2AuthorizationRequest> {

    static final String COOKIE = "CONSOLE_OIDC";
    static final Duration LIFETIME = Duration.ofMinutes(10);
    private static final int MAX_PENDING = 10_000;

    private record Pending(OAuth2AuthorizationRequest request, byte[] bindingHash, Instant expires) {
    }

    private final Map<String, Pending> pending = new ConcurrentHashMap<>();
    private final SecureRandom random = new SecureRandom();
    private final boolean secureCookie;

    StateBoundAuthorizationRequests(boolean secureCookie) {
        this.secureCookie = secureCookie;
    }

    @Override
    public OAuth2AuthorizationRequest loadAuthorizationRequest(HttpServletRequest request) {
        String state = request.getParameter("state");
        Pending found = state == null ? null : pending.get(state);
        if (found == null || found.expires().isBefore(Instant.now())) {
            return null;
        }
        String binding = cookie(request);
        return binding != null && MessageDigest.isEqual(hash(binding), found.bindingHash()) ? found.request() : null;
    }

    @Override
    public void saveAuthorizationRequest(OAuth2AuthorizationRequest authorizationRequest, HttpServletRequest request,
            HttpServletResponse response) {
        if (authorizationRequest == null) {
            removeAuthorizationRequest(request, response);
            return;
        }
        Instant now = Instant.now();
        pending.values().removeIf(p -> p.expires().isBefore(now));
        if (pending.size() >= MAX_PENDING) {
            throw new IllegalStateException("too many sign-ins in progress at the OpenID Connect issuer");
        }
        byte[] bytes = new byte[32];
        random.nextBytes(bytes);
        String binding = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
        pending.put(authorizationRequest.getState(), new Pending(authorizationRequest, hash(binding), now.plus(LIFETIME)));
        setCookie(request, response, binding, LIFETIME);
    }

    @Override
    public OAuth2AuthorizationRequest removeAuthorizationRequest(HttpServletRequest request, HttpServletResponse response) {
        OAuth2AuthorizationRequest found = loadAuthorizationRequest(request);
        if (found != null) {
            pending.remove(found.getState());
            setCookie(request, response, "", Duration.ZERO);
        }
        return found;
    }

    private void setCookie(HttpServletRequest request, HttpServletResponse response, String value, Duration maxAge) {
        response.addHeader("Set-Cookie", ResponseCookie.from(COOKIE, value).path(ConsoleOidc.CALLBACK).httpOnly(true)
                .secure(secureCookie || request.isSecure()).sameSite("Lax").maxAge(maxAge).build().toString());
    }

    private static String cookie(HttpServletRequest request) {
        if (request.getCookies() == null) {
            return null;
        }
        for (Cookie cookie : request.getCookies()) {
            if (COOKIE.equals(cookie.getName())) {
                return cookie.getValue();
            }
        }
        return null;
    }

    private static byte[] hash(String value) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(value.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
