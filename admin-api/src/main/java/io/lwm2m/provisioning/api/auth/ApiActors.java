package io.lwm2m.provisioning.api.auth;

import io.lwm2m.provisioning.api.errors.RequestIds;
import io.lwm2m.provisioning.audit.Actor;
import jakarta.servlet.http.HttpServletRequest;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContextHolder;

/** The audit log's view of the caller of the current API request. */
public final class ApiActors {

    private ApiActors() {
    }

    public static Actor current(HttpServletRequest request) {
        Authentication auth = SecurityContextHolder.getContext().getAuthentication();
        String name = "anonymous";
        String role = null;
        if (auth != null && auth.getPrincipal() instanceof ApiPrincipal principal) {
            name = principal.actorName();
            role = principal.roleNames();
        }
        return new Actor(name, role, request.getRemoteAddr(), RequestIds.current());
    }
}
