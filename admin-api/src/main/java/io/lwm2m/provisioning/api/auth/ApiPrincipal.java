package io.lwm2m.provisioning.api.auth;

import java.security.Principal;
import java.util.EnumSet;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The authenticated caller of the API: an API key (one role) or a JWT subject (the roles its
 * token names, possibly several).
 *
 * @param name   the API key's name or the token's subject
 * @param role   the first of {@code roles}, for callers that show one
 * @param roles  every role the caller holds
 * @param scheme {@code api-key} or {@code jwt}
 */
public record ApiPrincipal(String name, Role role, Set<Role> roles, String scheme) implements Principal {

    public static final String API_KEY = "api-key";
    public static final String JWT = "jwt";

    public ApiPrincipal {
        roles = roles.isEmpty() ? Set.of() : Set.copyOf(EnumSet.copyOf(roles));
    }

    /** An API key's principal. */
    public ApiPrincipal(String name, Role role) {
        this(name, role, Set.of(role), API_KEY);
    }

    /** The audit log's name for the caller: {@code api-key:<name>} or {@code jwt:<subject>}. */
    public String actorName() {
        return scheme + ":" + name;
    }

    /** The roles as the audit log shows them: {@code security-officer,auditor}, or null without a role. */
    public String roleNames() {
        return roles.isEmpty() ? null
                : EnumSet.copyOf(roles).stream().map(Role::apiName).collect(Collectors.joining(","));
    }

    @Override
    public String getName() {
        return name;
    }
}
