package io.lwm2m.provisioning.api.auth;

/** What an API key may do (ARCHITECTURE §5). Spring Security sees them as {@code ROLE_<NAME>}. */
public enum Role {
    ADMIN, SECURITY_OFFICER, OPERATOR, AUDITOR;

    public String authority() {
        return "ROLE_" + name();
    }

    /** The role's name in the API and the audit log. */
    public String apiName() {
        return name().toLowerCase().replace('_', '-');
    }
}
