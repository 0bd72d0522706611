package io.lwm2m.provisioning.audit;

/**
 * Where security-relevant events go. Declared here, at the bottom of the module stack, so every
 * module can report; implemented by the module that owns the audit log.
 */
public interface AuditSink {

    void record(AuditEvent event);
}
