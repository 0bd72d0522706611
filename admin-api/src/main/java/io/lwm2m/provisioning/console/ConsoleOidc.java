package io.lwm2m.provisioning.console;

import io.lwm2m.provisioning.api.auth.ApiPrincipal;
import io.lwm2m.provisioning.api.auth.JwtSettings;
import io.lwm2m.provisioning.api.auth.TokenClaims;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.autoconfigure.condition.ConditionalOnExpression;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.core.AuthenticationException;
import org.springframework.security.core.authority.SimpleGrantedAuthority;
import org.springframework.security.oauth2.client.oidc.userinfo.OidcUserRequest;
import org.springframework.security.oauth2.client.registration.ClientRegistration;
import org.springframework.security.oauth2.client.registration.ClientRegistrationRepository;
import org.springframework.security.oauth2.client.registration.ClientRegistrations;
import org.springframework.security.oauth2.core.ClientAuthenticationMethod;
import org.springframework.security.oauth2.core.oidc.user.DefaultOidcUser;
import org.springframework.security.oauth2.core.oidc.user.OidcUser;
import org.springframework.stereotype.Component;
import org.springframework.web.util.HtmlUtils;

/**
 * Sign-in at the OpenID Connect issuer the API already trusts for JWTs ({@code provisioning.api.jwt.issuer-uri}),
 * as the client {@code provisioning.console.oidc.client-id} (authorization code flow; PKCE for a public
 * client). The roles come from the ID token's roles claim, by the API's rules ({@link TokenClaims}).
 * The issuer's metadata is fetched at the first sign-in, so the server starts while it is unreachable.
 *
 * <p>The session cookie is SameSite=Strict, so the browser does not send it with the issuer's redirect
 * back to us (a request another site started). The login therefore keeps its state server-side
 * ({@link StateBoundAuthorizationRequests}), and the new session is entered through a page that
 * reloads the console itself: a navigation this site starts, with which the cookie goes.
 */
@Component
@ConditionalOnExpression("'${provisioning.console.oidc.client-id:}' != '' && '${provisioning.api.jwt.issuer-uri:}' != ''")
class ConsoleOidc {

    static final String REGISTRATION = "oidc";
    static final String AUTHORIZATION = "/console/oauth2/authorization";
    static final String CALLBACK = "/console/oauth2/code";

    private static final Logger log = LoggerFactory.getLogger(ConsoleOidc.class);

    private final ConsoleSettings.Oidc client;
    private final JwtSettings jwt;
    private final ConsoleSessions sessions;
    private final StateBoundAuthorizationRequests states;
    private volatile ClientRegistration registration;

    ConsoleOidc(ConsoleSettings settings, JwtSettings jwt, ConsoleSessions sessions) {
        this.client = settings.oidc();
        this.jwt = jwt;
        this.sessions = sessions;
        this.states = new StateBoundAuthorizationRequests(settings.secureCookie());
    }

    /** What the sign-in page's button says. */
    public String name() {
        return client.name();
    }

    /** Where the sign-in page's button leads. */
    public String start() {
        return AUTHORIZATION + "/" + REGISTRATION;
    }

    void configure(HttpSecurity http) throws Exception {
        ClientRegistrationRepository registrations = id -> REGISTRATION.equals(id) ? registration() : null;
        http.oauth2Login(login -> login
                .loginPage(SignInController.PATH)
                .clientRegistrationRepository(registrations)
                .authorizationEndpoint(a -> a.baseUri(AUTHORIZATION).authorizationRequestRepository(states))
                .redirectionEndpoint(r -> r.baseUri(CALLBACK + "/*"))
                .userInfoEndpoint(u -> u.oidcUserService(this::user))
                .successHandler(this::signedIn)
                .failureHandler(this::failed));
    }

    /** The issuer's metadata, fetched once it is first needed; a failure is tried again at the next sign-in. */
    private ClientRegistration registration() {
        ClientRegistration known = registration;
        if (known == null) {
            boolean publicClient = client.clientSecret() == null || client.clientSecret().isBlank();
            known = ClientRegistrations.fromOidcIssuerLocation(jwt.issuerUri())
                    .registrationId(REGISTRATION)
                    .clientId(client.clientId())
                    .clientSecret(publicClient ? null : client.clientSecret())
                    .clientAuthenticationMethod(publicClient ? ClientAuthenticationMethod.NONE
                            : ClientAuthenticationMethod.CLIENT_SECRET_BASIC)
                    .scope(client.scopes())
                    .redirectUri("{baseUrl}" + CALLBACK + "/{registrationId}")
                    .clientName(client.name())
                    .build();
            registration = known;
        }
        return known;
    }

    /** The person as the ID token (already checked: signature, issuer, audience, expiry, nonce) names them; no userinfo call. */
    private OidcUser user(OidcUserRequest request) {
        ApiPrincipal principal = TokenClaims.principal(request.getIdToken().getClaims(), jwt);
        return new DefaultOidcUser(principal.roles().stream().map(r -> new SimpleGrantedAuthority(r.authority())).toList(),
                request.getIdToken());
    }

    private void signedIn(HttpServletRequest request, HttpServletResponse response,
            org.springframework.security.core.Authentication authentication) throws IOException {
        OidcUser user = (OidcUser) authentication.getPrincipal();
        String target = sessions.start(TokenClaims.principal(user.getIdToken().getClaims(), jwt), null, request, response);
        // A page of ours that moves on: the next request is one this site starts, so the Strict cookie goes with it.
        response.setContentType("text/html;charset=UTF-8");
        String escaped = HtmlUtils.htmlEscape(target);
        response.getOutputStream().write(("<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\">"
                + "<meta http-equiv=\"refresh\" content=\"0;url=" + escaped + "\"><title>Signed in</title></head>"
                + "<body><p>Signed in. <a href=\"" + escaped + "\">Continue to the console</a></p></body></html>")
                .getBytes(StandardCharsets.UTF_8));
    }

    private void failed(HttpServletRequest request, HttpServletResponse response, AuthenticationException e) throws IOException {
        log.warn("Console sign-in at the OpenID Connect issuer failed: {}", e.getMessage());
        response.sendRedirect(request.getContextPath() + SignInController.PATH + "?oidc-failed");
    }
}
