package io.lwm2m.provisioning.certificates;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;

/**
 * A manufacturer's CA, trusted to vouch for factory certificates whose CN or SAN names a registered
 * endpoint (or that an enrollment group admits), with its CRL when the operator holds one.
 */
@Entity
@Table(name = "manufacturer_cas")
public class ManufacturerCa {

    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    private Long id;

    @Column(nullable = false)
    private String name;

    @Column(nullable = false)
    private byte[] certificate;

    @Column(nullable = false)
    private String subject;

    @Column(name = "not_after", nullable = false)
    private Instant notAfter;

    @Column(name = "created_at", nullable = false)
    private Instant createdAt;

    /** The CA's CRL (DER), when the operator holds one. */
    private byte[] crl;

    @Column(name = "crl_this_update")
    private Instant crlThisUpdate;

    @Column(name = "crl_next_update")
    private Instant crlNextUpdate;

    protected ManufacturerCa() {
    }

    ManufacturerCa(String name, byte[] certificate, String subject, Instant notAfter, Instant createdAt) {
        this.name = name;
        this.certificate = certificate;
        this.subject = subject;
        this.notAfter = notAfter;
        this.createdAt = createdAt;
    }

    public String name() {
        return name;
    }

    public byte[] certificate() {
        return certificate.clone();
    }

    public String subject() {
        return subject;
    }

    public Instant notAfter() {
        return notAfter;
    }

    public Instant createdAt() {
        return createdAt;
    }

    /** The CA's CRL (DER), or null. */
    public byte[] crl() {
        return crl == null ? null : crl.clone();
    }

    public Instant crlThisUpdate() {
        return crlThisUpdate;
    }

    public Instant crlNextUpdate() {
        return crlNextUpdate;
    }

    void replaceCrl(byte[] der, Instant thisUpdate, Instant nextUpdate) {
        this.crl = der.clone();
        this.crlThisUpdate = thisUpdate;
        this.crlNextUpdate = nextUpdate;
    }
}
