package io.lwm2m.provisioning.bootstrap.devices;

import io.lwm2m.provisioning.bootstrap.profiles.Profile;
import io.lwm2m.provisioning.bootstrap.servers.DmServer;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.FetchType;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.JoinColumn;
import jakarta.persistence.JoinTable;
import jakarta.persistence.ManyToMany;
import jakarta.persistence.ManyToOne;
import jakarta.persistence.OrderColumn;
import jakarta.persistence.Table;
import jakarta.persistence.Version;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.hibernate.annotations.JdbcTypeCode;
import org.hibernate.type.SqlTypes;

/** A pre-registered LwM2M client, known by its endpoint name. */
@Entity
@Table(name = "devices")
public class Device {

    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    private Long id;

    @Column(nullable = false, unique = true)
    private String endpoint;

    @Enumerated(EnumType.STRING)
    @Column(nullable = false)
    private DeviceState state;

    @ManyToMany(fetch = FetchType.LAZY)
    @JoinTable(name = "device_servers",
            joinColumns = @JoinColumn(name = "device_id"),
            inverseJoinColumns = @JoinColumn(name = "server_id"))
    @OrderColumn(name = "position")
    private List<DmServer> servers = new ArrayList<>();

    @ManyToOne(fetch = FetchType.LAZY)
    @JoinColumn(name = "profile_id")
    private Profile profile;

    /** The device's overrides of its profile, as ProfileDefinition JSON. */
    private String overrides;

    /** Free-form tags ("line=a", "batch-42") that bulk actions select devices by. */
    @JdbcTypeCode(SqlTypes.ARRAY)
    @Column(name = "labels", nullable = false, columnDefinition = "text[]")
    private String[] labels = new String[0];

    @Column(name = "created_at", nullable = false)
    private Instant createdAt;

    @Column(name = "updated_at", nullable = false)
    private Instant updatedAt;

    @Version
    private long version;

    protected Device() {
    }

    Device(String endpoint, List<DmServer> servers, Profile profile, String overrides, List<String> labels, Instant now) {
        this.endpoint = endpoint;
        this.labels = labels.toArray(String[]::new);
        this.state = DeviceState.ACTIVE;
        this.servers = new ArrayList<>(servers);
        this.profile = profile;
        this.overrides = overrides;
        this.createdAt = now;
        this.updatedAt = now;
    }

    public Long id() {
        return id;
    }

    public String endpoint() {
        return endpoint;
    }

    public DeviceState state() {
        return state;
    }

    public List<DmServer> servers() {
        return List.copyOf(servers);
    }

    /** The profile it follows, or null when it was registered with a plain server list. */
    public Profile profile() {
        return profile;
    }

    public String overridesJson() {
        return overrides;
    }

    public List<String> labels() {
        return List.of(labels);
    }

    public Instant createdAt() {
        return createdAt;
    }

    public Instant updatedAt() {
        return updatedAt;
    }

    void changeState(DeviceState state, Instant now) {
        this.state = state;
        this.updatedAt = now;
    }
}
