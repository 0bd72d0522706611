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

    @Column(name = "created_at", nullable = false)
    private Instant createdAt;

    @Version
    private long version;

    protected DmServer() {
    }

    DmServer(NewDmServer spec, Instant now) {
        this.name = spec.name();
        this.uri = spec.uri();
        this.shortServerId = spec.shortServerId();
        this.lifetime = spec.lifetime();
        this.binding = spec.binding();
        this.securityMode = spec.securityMode();
        this.notificationStoring = spec.notificationStoring();
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

    public Instant createdAt() {
        return createdAt;
    }

    public long version() {
        return version;
    }
}
