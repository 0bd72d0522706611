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

    /** The role named {@code security-officer}, {@code SECURITY_OFFICER} or {@code ROLE_SECURITY_OFFICER}. */
    public static java.util.Optional<Role> fromName(String name) {
        if (name == null) {
            return java.util.Optional.empty();
        }
        String normalised = name.trim().toUpperCase().replace('-', '_');
        if (normalised.startsWith("ROLE_")) {
            normalised = normalised.substring(5);
        }
        for (Role role : values()) {
            if (role.name().equals(normalised)) {
                return java.util.Optional.of(role);
            }
        }
        return java.util.Optional.empty();
    }
}
