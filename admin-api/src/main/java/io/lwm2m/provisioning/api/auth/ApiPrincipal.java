package io.lwm2m.provisioning.api.auth;

import java.security.Principal;

/** The authenticated caller of the API: the key's name and role. */
public record ApiPrincipal(String name, Role role) implements Principal {

    @Override
    public String getName() {
        return name;
    }
}
