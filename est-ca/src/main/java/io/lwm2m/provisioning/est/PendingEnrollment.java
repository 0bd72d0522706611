package io.lwm2m.provisioning.est;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;

/** A CSR held for approval (delayed issuance); the same CSR re-sent later gets the certificate. */
@Entity
@Table(name = "est_enrollments")
public class PendingEnrollment {

    public enum Status { PENDING, APPROVED, REJECTED, ISSUED }

    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    private Long id;

    @Column(nullable = false)
    private String endpoint;

    private String label;

    @Enumerated(EnumType.STRING)
    @Column(nullable = false)
    private EstOperation operation;

    @Column(name = "csr_sha256", nullable = false)
    private byte[] csrSha256;

    @Column(nullable = false)
    private byte[] csr;

    @Enumerated(EnumType.STRING)
    @Column(nullable = false)
    private Status status;

    @Column(name = "requested_by", nullable = false)
    private String requestedBy;

    @Column(name = "certificate_serial")
    private String certificateSerial;

    @Column(name = "created_at", nullable = false)
    private Instant createdAt;

    @Column(name = "decided_at")
    private Instant decidedAt;

    @Column(name = "decided_by")
    private String decidedBy;

    protected PendingEnrollment() {
    }

    PendingEnrollment(String endpoint, String label, EstOperation operation, byte[] csrSha256, byte[] csr, String requestedBy,
            Instant now) {
        this.endpoint = endpoint;
        this.label = label;
        this.operation = operation;
        this.csrSha256 = csrSha256;
        this.csr = csr;
        this.status = Status.PENDING;
        this.requestedBy = requestedBy;
        this.createdAt = now;
    }

    void decide(boolean approved, String actor, Instant now) {
        this.status = approved ? Status.APPROVED : Status.REJECTED;
        this.decidedBy = actor;
        this.decidedAt = now;
    }

    void issued(String serial) {
        this.status = Status.ISSUED;
        this.certificateSerial = serial;
    }

    public Long id() {
        return id;
    }

    public String endpoint() {
        return endpoint;
    }

    public String label() {
        return label;
    }

    public EstOperation operation() {
        return operation;
    }

    public Status status() {
        return status;
    }

    public String requestedBy() {
        return requestedBy;
    }

    public String certificateSerial() {
        return certificateSerial;
    }

    public Instant createdAt() {
        return createdAt;
    }

    public Instant decidedAt() {
        return decidedAt;
    }

    public String decidedBy() {
        return decidedBy;
    }
}
