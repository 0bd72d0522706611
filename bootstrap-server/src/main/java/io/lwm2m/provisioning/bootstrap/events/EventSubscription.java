package io.lwm2m.provisioning.bootstrap.events;

import jakarta.persistence.Column;
import jakarta.persistence.Embedded;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import jakarta.persistence.Version;
import java.time.Instant;
import java.util.List;
import org.hibernate.annotations.JdbcTypeCode;
import org.hibernate.type.SqlTypes;

/** A webhook that receives the events of the types it names, signed with its own secret. */
@Entity
@Table(name = "event_subscriptions")
public class EventSubscription {

    /** Whether a subscription receives events now; a disabled one gets no new deliveries. */
    public enum State { ENABLED, DISABLED }

    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    private Long id;

    @Column(nullable = false)
    private String name;

    @Column(nullable = false)
    private String url;

    @JdbcTypeCode(SqlTypes.ARRAY)
    @Column(name = "types", nullable = false, columnDefinition = "text[]")
    private String[] types;

    @Column(name = "dm_server")
    private String dmServer;

    @jakarta.persistence.Enumerated(jakarta.persistence.EnumType.STRING)
    @Column(nullable = false)
    private State state;

    @Embedded
    private SigningKeys keys;

    @Column(name = "managed_by")
    private String managedBy;

    @Version
    private long version;

    @Column(name = "created_at", nullable = false)
    private Instant createdAt;

    @Column(name = "updated_at", nullable = false)
    private Instant updatedAt;

    protected EventSubscription() {
    }

    EventSubscription(SubscriptionSpec spec, SigningKeys keys, String managedBy, Instant now) {
        this.name = spec.name();
        this.keys = keys;
        this.managedBy = managedBy;
        this.createdAt = now;
        change(spec, now);
    }

    void change(SubscriptionSpec spec, Instant now) {
        this.url = spec.url();
        this.types = spec.types().toArray(new String[0]);
        this.dmServer = spec.dmServer();
        this.state = spec.state();
        this.updatedAt = now;
    }

    void touched(Instant now) {
        this.updatedAt = now;
    }

    /** What the signing secret is sealed under: bound to the subscription, so it opens nowhere else. */
    static String secretContext(String name) {
        return "event-subscription|" + name;
    }

    String secretContext() {
        return secretContext(name);
    }

    public Long id() {
        return id;
    }

    public String name() {
        return name;
    }

    public String url() {
        return url;
    }

    public List<String> types() {
        return List.of(types);
    }

    public String dmServer() {
        return dmServer;
    }

    public State state() {
        return state;
    }

    SigningKeys keys() {
        return keys;
    }

    /** When the previous secret stops signing, or null when only one signs. */
    public Instant previousSecretValidUntil(Instant now) {
        return keys.previous(now) == null ? null : keys.previousValidUntil();
    }

    public String managedBy() {
        return managedBy;
    }

    public long version() {
        return version;
    }

    public Instant createdAt() {
        return createdAt;
    }

    public Instant updatedAt() {
        return updatedAt;
    }
}
