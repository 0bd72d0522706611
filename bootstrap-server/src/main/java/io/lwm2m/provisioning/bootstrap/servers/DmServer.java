package io.lwm2m.provisioning.bootstrap.servers;

import io.lwm2m.provisioning.bootstrap.lwm2m.SecurityMode;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import jakarta.persistence.Version;
import java.time.Instant;

/** A device-management server that devices are bootstrapped to. */
@Entity
@Table(name = "dm_servers")
public class DmServer {

    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    private Long id;

    @Column(nullable = false, unique = true)
    private String name;

    @Column(nullable = false)
    private String uri;

    @Column(name = "short_server_id", nullable = false)
    private int shortServerId;

    @Column(nullable = false)
    private int lifetime;

    @Column(nullable = false)
    private String binding;

    @Enumerated(EnumType.STRING)
    @Column(name = "security_mode", nullable = false)
    private SecurityMode securityMode;

    @Column(name = "notification_storing", nullable = false)
    private boolean notificationStoring;

    @Column(name = "server_public_key")
    private byte[] serverPublicKey;

    @Column(name = "server_certificate")
    private byte[] serverCertificate;

    @Column(name = "rotation_webhook_url")
    private String rotationWebhookUrl;

    @Column(name = "created_at", nullable = false)
    private Instant createdAt;

    @Version
    private long version;

    protected DmServer() {
    }

    public DmServer(NewDmServer spec, Instant now) {
        this.name = spec.name();
        this.uri = spec.uri();
        this.shortServerId = spec.shortServerId();
        this.lifetime = spec.lifetime();
        this.binding = spec.binding();
        this.securityMode = spec.securityMode();
        this.notificationStoring = spec.notificationStoring();
        this.serverPublicKey = spec.serverPublicKey();
        this.serverCertificate = spec.serverCertificate();
        this.rotationWebhookUrl = spec.rotationWebhookUrl();
        this.createdAt = now;
    }

    public Long id() {
        return id;
    }

    public String name() {
        return name;
    }

    public String uri() {
        return uri;
    }

    public int shortServerId() {
        return shortServerId;
    }

    public int lifetime() {
        return lifetime;
    }

    public String binding() {
        return binding;
    }

    public SecurityMode securityMode() {
        return securityMode;
    }

    public boolean notificationStoring() {
        return notificationStoring;
    }

    /** The DM server's raw public key (SubjectPublicKeyInfo DER), for RPK; else null. */
    public byte[] serverPublicKey() {
        return serverPublicKey == null ? null : serverPublicKey.clone();
    }

    /** The DM server's certificate or trust anchor (DER), for X509 and EST; else null. */
    public byte[] serverCertificate() {
        return serverCertificate == null ? null : serverCertificate.clone();
    }

    /** What the bootstrap writes into /0/x/4 for this server. */
    public byte[] securityObjectServerKey() {
        return switch (securityMode) {
            case RPK -> serverPublicKey();
            case X509, EST -> serverCertificate();
            default -> null;
        };
    }

    /** Where a pending rotation of one of this server's device credentials is announced; null for nowhere. */
    public String rotationWebhookUrl() {
        return rotationWebhookUrl;
    }

    public Instant createdAt() {
        return createdAt;
    }

    public long version() {
        return version;
    }
}
