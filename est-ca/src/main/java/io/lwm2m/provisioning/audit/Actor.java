package io.lwm2m.provisioning.audit;

/** Who asks for a change, as the audit log records it. */
public record Actor(String name, String role, String sourceAddress, String requestId) {

    public static final Actor SYSTEM = new Actor("system", null, null, null);

    /** An event by this actor. */
    public AuditEvent event(String action, String target, AuditEvent.Outcome outcome, java.util.Map<String, String> details) {
        return new AuditEvent(name, role, action, target, outcome, sourceAddress, requestId, details);
    }
}
