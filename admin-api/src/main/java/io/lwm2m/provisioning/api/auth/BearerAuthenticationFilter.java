package io.lwm2m.provisioning.api.auth;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import org.springframework.http.HttpHeaders;
import org.springframework.security.authentication.BadCredentialsException;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.core.AuthenticationException;
import org.springframework.security.core.authority.SimpleGrantedAuthority;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.web.AuthenticationEntryPoint;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Authenticates {@code Authorization: Bearer <token>}: a token shaped like a JWT goes to the
 * configured issuer when JWTs are enabled, anything else is looked up as an API key. A present but
 * unknown, expired, revoked or tampered token is a 401 at once.
 */
final class BearerAuthenticationFilter extends OncePerRequestFilter {

    private final ApiKeyAuthenticator keys;
    private final JwtAuthenticator jwts;
    private final AuthenticationEntryPoint entryPoint;

    /** @param jwts null when no issuer is configured */
    BearerAuthenticationFilter(ApiKeyAuthenticator keys, JwtAuthenticator jwts, AuthenticationEntryPoint entryPoint) {
        this.keys = keys;
        this.jwts = jwts;
        this.entryPoint = entryPoint;
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        String header = request.getHeader(HttpHeaders.AUTHORIZATION);
        if (header == null) {
            chain.doFilter(request, response);
            return;
        }
        ApiPrincipal principal;
        try {
            principal = authenticate(header);
        } catch (AuthenticationException e) {
            entryPoint.commence(request, response, e);
            return;
        }
        var authentication = UsernamePasswordAuthenticationToken.authenticated(principal, null,
                principal.roles().stream().map(r -> new SimpleGrantedAuthority(r.authority())).toList());
        SecurityContextHolder.getContext().setAuthentication(authentication);
        try {
            chain.doFilter(request, response);
        } finally {
            SecurityContextHolder.clearContext();
        }
    }

    private ApiPrincipal authenticate(String header) {
        if (!header.regionMatches(true, 0, "Bearer ", 0, 7)) {
            throw new BadCredentialsException("the Authorization header must be 'Bearer <API key>'"
                    + (jwts == null ? "" : " or 'Bearer <JWT>'"));
        }
        String token = header.substring(7).trim();
        if (jwts != null && JwtAuthenticator.looksLikeJwt(token)) {
            return jwts.authenticate(token);
        }
        ApiKey key = keys.authenticate(token)
                .orElseThrow(() -> new BadCredentialsException("the API key is unknown, expired or revoked"));
        return new ApiPrincipal(key.name(), key.role());
    }
}
