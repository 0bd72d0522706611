package io.lwm2m.provisioning.api.auth;

import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.springframework.security.authentication.BadCredentialsException;

/**
 * The caller a token from the configured issuer names, by the same rules for an API bearer token and
 * for the console's OpenID Connect sign-in: the subject from {@link JwtSettings#subjectClaim()}, the
 * roles from {@link JwtSettings#rolesClaim()} (an array, or one space- or comma-separated string;
 * names that are no role of this API are ignored).
 */
public final class TokenClaims {

    private TokenClaims() {
    }

    /** The principal of verified claims; {@link BadCredentialsException} when they name no subject. */
    public static ApiPrincipal principal(Map<String, Object> claims, JwtSettings settings) {
        Object named = claims.get(settings.subjectClaim());
        String subject = named != null ? named.toString() : (String) claims.get("sub");
        if (subject == null || subject.isBlank()) {
            throw new BadCredentialsException("the token names no subject ('" + settings.subjectClaim() + "' claim)");
        }
        Set<Role> roles = roles(claims.get(settings.rolesClaim()));
        return new ApiPrincipal(subject.length() > 100 ? subject.substring(0, 100) : subject,
                roles.isEmpty() ? null : roles.iterator().next(), roles, ApiPrincipal.JWT);
    }

    private static Set<Role> roles(Object claim) {
        List<String> names = new ArrayList<>();
        if (claim instanceof Collection<?> values) {
            values.forEach(v -> names.add(String.valueOf(v)));
        } else if (claim instanceof String value) {
            names.addAll(List.of(value.split("[\\s,]+")));
        }
        Set<Role> roles = EnumSet.noneOf(Role.class);
        names.forEach(name -> Role.fromName(name).ifPresent(roles::add));
        return roles;
    }
}
