package io.lwm2m.provisioning.api.auth;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * {@code provisioning.api.jwt.*}: optional OAuth2 JWT bearer tokens. Off unless an issuer or a JWK
 * set URI is configured.
 *
 * @param issuerUri    the issuer ({@code iss}) tokens must name; without {@code jwkSetUri} its
 *                     OpenID/OAuth metadata is fetched (on first use) to find the JWK set
 * @param jwkSetUri    where the issuer's signing keys are published
 * @param audience     when set, tokens must list it in {@code aud}
 * @param rolesClaim   the claim holding the caller's roles (an array, or one space- or comma-separated string)
 * @param subjectClaim the claim naming the caller in the audit log
 */
@ConfigurationProperties("provisioning.api.jwt")
public record JwtSettings(String issuerUri, String jwkSetUri, String audience, @DefaultValue(JwtSettings.ROLES) String rolesClaim,
        @DefaultValue(JwtSettings.SUBJECT) String subjectClaim) {

    static final String ROLES = "roles";
    static final String SUBJECT = "sub";

    public JwtSettings {
        issuerUri = blankToNull(issuerUri);
        jwkSetUri = blankToNull(jwkSetUri);
        audience = blankToNull(audience);
        rolesClaim = rolesClaim == null || rolesClaim.isBlank() ? ROLES : rolesClaim;
        subjectClaim = subjectClaim == null || subjectClaim.isBlank() ? SUBJECT : subjectClaim;
    }

    public boolean enabled() {
        return issuerUri != null || jwkSetUri != null;
    }

    private static String blankToNull(String value) {
        return value == null || value.isBlank() ? null : value.trim();
    }
}
