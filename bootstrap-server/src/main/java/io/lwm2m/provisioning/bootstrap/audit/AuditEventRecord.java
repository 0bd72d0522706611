package io.lwm2m.provisioning.bootstrap.audit;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;

/** One row of the append-only audit log. */
@Entity
@Table(name = "audit_events")
public class AuditEventRecord {

    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    private Long id;

    @Column(name = "occurred_at", nullable = false)
    private Instant occurredAt;

    @Column(nullable = false)
    private String actor;

    private String role;

    @Column(nullable = false)
    private String action;

    private String target;

    @Column(nullable = false)
    private String outcome;

    @Column(name = "source_address")
    private String sourceAddress;

    @Column(name = "request_id")
    private String requestId;

    private String details;

    @Column(name = "prev_hash")
    private byte[] prevHash;

    @Column(nullable = false)
    private byte[] hash;

    protected AuditEventRecord() {
    }

    public Long id() {
        return id;
    }

    public Instant occurredAt() {
        return occurredAt;
    }

    public String actor() {
        return actor;
    }

    public String role() {
        return role;
    }

    public String action() {
        return action;
    }

    public String target() {
        return target;
    }

    public String outcome() {
        return outcome;
    }

    public String sourceAddress() {
        return sourceAddress;
    }

    public String requestId() {
        return requestId;
    }

    public String details() {
        return details;
    }

    public byte[] prevHash() {
        return prevHash == null ? null : prevHash.clone();
    }

    public byte[] hash() {
        return hash.clone();
    }

    /** The details as stored (sorted {@code key=value} lines) read back as a map. */
    public java.util.Map<String, String> detailsMap() {
        java.util.Map<String, String> map = new java.util.LinkedHashMap<>();
        if (details != null) {
            for (String line : details.split("\n")) {
                int eq = line.indexOf('=');
                if (eq > 0) {
                    map.put(line.substring(0, eq), line.substring(eq + 1));
                }
            }
        }
        return map;
    }

    /** This row's hash as recomputed from its stored fields and the given previous hash. */
    byte[] recomputeHash(byte[] previous) {
        return AuditLog.hash(previous, occurredAt, actor, role, action, target, outcome, sourceAddress, requestId, details);
    }
}
