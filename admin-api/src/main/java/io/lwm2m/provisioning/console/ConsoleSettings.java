package io.lwm2m.provisioning.console;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * {@code provisioning.console.*}: the operator console (decisions 070, 071).
 *
 * @param idleTimeout  a session unused this long ends; the next request signs in again
 * @param secureCookie {@code true}: the session cookie is always {@code Secure} (set it behind a proxy
 *                     that ends TLS); {@code false}: only when the request itself came over HTTPS
 * @param oidc         OpenID Connect sign-in against the issuer of {@code provisioning.api.jwt.issuer-uri}
 */
@ConfigurationProperties("provisioning.console")
public record ConsoleSettings(@DefaultValue("15m") Duration idleTimeout, @DefaultValue("false") boolean secureCookie,
        @DefaultValue Oidc oidc) {

    public ConsoleSettings {
        if (idleTimeout.compareTo(Duration.ofMinutes(1)) < 0 || idleTimeout.compareTo(Duration.ofHours(12)) > 0) {
            throw new IllegalArgumentException("provisioning.console.idle-timeout must be between 1m and 12h, not " + idleTimeout);
        }
    }

    /**
     * The console's client at the OpenID Connect issuer; sign-in with it is offered when
     * {@code clientId} is set and the API accepts JWTs from an issuer.
     *
     * @param clientId     the client registered at the issuer for this console
     * @param clientSecret its secret (empty for a public client using PKCE)
     * @param scopes       what the console asks for; the roles claim must be in the ID token
     * @param name         what the sign-in button says
     */
    public record Oidc(String clientId, String clientSecret, @DefaultValue({"openid", "profile"}) java.util.List<String> scopes,
            @DefaultValue("OpenID Connect") String name) {

        public boolean configured() {
            return clientId != null && !clientId.isBlank();
        }
    }
}
