package io.lwm2m.provisioning.api.auth;

/**
 * The role rules of the admin API, as {@code @PreAuthorize} expressions, so every controller states
 * its rules in the same words. ADMIN is part of every rule: it can mint keys of any role anyway.
 *
 * <ul>
 *   <li>{@link #ANY}: every role; reads that never carry secrets (devices, servers, profiles, certificates, sessions)</li>
 *   <li>{@link #REGISTER}: operator (register and import devices; sees only the secrets of its own create call)</li>
 *   <li>{@link #SECURITY}: security officer (rotate, revoke, export, CAs, manufacturer CAs, KEK, device lifecycle,
 *       servers and profiles)</li>
 *   <li>{@link #AUDIT}: auditor and security officer (the audit log, KEK status)</li>
 *   <li>{@link #ADMIN}: admin only (API keys)</li>
 * </ul>
 */
public final class Roles {

    public static final String ANY = "hasAnyRole('ADMIN','SECURITY_OFFICER','OPERATOR','AUDITOR')";
    public static final String REGISTER = "hasAnyRole('ADMIN','OPERATOR')";
    public static final String SECURITY = "hasAnyRole('ADMIN','SECURITY_OFFICER')";
    public static final String AUDIT = "hasAnyRole('ADMIN','SECURITY_OFFICER','AUDITOR')";
    public static final String ADMIN = "hasRole('ADMIN')";

    private Roles() {
    }
}
