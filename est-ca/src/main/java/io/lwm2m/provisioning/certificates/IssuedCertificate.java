package io.lwm2m.provisioning.certificates;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;

/** The record of one certificate the CA issued: who asked, for whom, and whether it still stands. */
@Entity
@Table(name = "certificates")
public class IssuedCertificate {

    public enum Status { VALID, REVOKED }

    @Id
    private String serial;

    @Column(name = "authority_id", nullable = false)
    private Long authorityId;

    @Column(nullable = false)
    private String subject;

    private String endpoint;

    @Column(nullable = false)
    private String profile;

    @Column(name = "not_before", nullable = false)
    private Instant notBefore;

    @Column(name = "not_after", nullable = false)
    private Instant notAfter;

    @Enumerated(EnumType.STRING)
    @Column(nullable = false)
    private Status status;

    @Column(name = "revoked_at")
    private Instant revokedAt;

    @Column(name = "revocation_reason")
    private Integer revocationReason;

    @Column(name = "requested_by", nullable = false)
    private String requestedBy;

    @Column(nullable = false)
    private byte[] der;

    @Column(name = "created_at", nullable = false)
    private Instant createdAt;

    protected IssuedCertificate() {
    }

    IssuedCertificate(String serial, Long authorityId, String subject, String endpoint, String profile, Instant notBefore,
            Instant notAfter, String requestedBy, byte[] der, Instant createdAt) {
        this.serial = serial;
        this.authorityId = authorityId;
        this.subject = subject;
        this.endpoint = endpoint;
        this.profile = profile;
        this.notBefore = notBefore;
        this.notAfter = notAfter;
        this.status = Status.VALID;
        this.requestedBy = requestedBy;
        this.der = der;
        this.createdAt = createdAt;
    }

    void revoke(Instant at, int reason) {
        this.status = Status.REVOKED;
        this.revokedAt = at;
        this.revocationReason = reason;
    }

    public String serial() {
        return serial;
    }

    public String subject() {
        return subject;
    }

    public String endpoint() {
        return endpoint;
    }

    public String profile() {
        return profile;
    }

    public Instant notBefore() {
        return notBefore;
    }

    public Instant notAfter() {
        return notAfter;
    }

    public Status status() {
        return status;
    }

    public Instant revokedAt() {
        return revokedAt;
    }

    public Integer revocationReason() {
        return revocationReason;
    }

    public String requestedBy() {
        return requestedBy;
    }

    public byte[] der() {
        return der.clone();
    }

    public Instant createdAt() {
        return createdAt;
    }
}
