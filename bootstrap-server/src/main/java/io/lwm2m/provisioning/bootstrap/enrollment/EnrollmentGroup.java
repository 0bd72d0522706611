package io.lwm2m.provisioning.bootstrap.enrollment;

import io.lwm2m.provisioning.bootstrap.events.SigningKeys;
import io.lwm2m.provisioning.crypto.SealedSecret;
import jakarta.persistence.AttributeOverride;
import jakarta.persistence.AttributeOverrides;
import jakarta.persistence.Column;
import jakarta.persistence.Embedded;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import jakarta.persistence.Version;
import java.time.Instant;
import java.util.List;
import org.hibernate.annotations.JdbcTypeCode;
import org.hibernate.type.SqlTypes;

/**
 * An enrollment group (issue 17): a trust anchor that admits devices nobody registered on their first
 * contact, the rules they must meet, and how each admitted device's profile is chosen.
 */
@Entity
@Table(name = "enrollment_groups")
public class EnrollmentGroup {

    /** A disabled group admits nobody new; what it admitted stays. */
    public enum State { ENABLED, DISABLED }

    /** How a device proves it belongs to the group. */
    public enum Mechanism {
        /** A certificate chaining to one of the group's registered manufacturer CAs. */
        X509,
        /** A PSK derived from the group key: HMAC-SHA256(group key, PSK identity). */
        SYMMETRIC_KEY
    }

    /** Which name of a factory certificate is the device's endpoint. */
    public enum EndpointFrom { CN, SAN_URI }

    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    private Long id;

    @Column(nullable = false)
    private String name;

    @Enumerated(EnumType.STRING)
    @Column(nullable = false)
    private State state;

    @Enumerated(EnumType.STRING)
    @Column(nullable = false)
    private Mechanism mechanism;

    @JdbcTypeCode(SqlTypes.ARRAY)
    @Column(name = "manufacturer_cas", nullable = false, columnDefinition = "text[]")
    private String[] manufacturerCas = new String[0];

    @Enumerated(EnumType.STRING)
    @Column(name = "endpoint_from")
    private EndpointFrom endpointFrom;

    @Column(name = "identity_prefix")
    private String identityPrefix;

    @Column(name = "derived_key_length")
    private Integer derivedKeyLength;

    @Column(name = "key_ciphertext")
    private byte[] keyCiphertext;

    @Column(name = "key_wrapped_data_key")
    private byte[] keyWrappedDataKey;

    @Column(name = "key_kek_version")
    private Integer keyKekVersion;

    @Column(name = "endpoint_pattern")
    private String endpointPattern;

    @Column(name = "device_limit")
    private Integer deviceLimit;

    /** Counted by the admission's own statement (under the group's row lock), never written through this entity. */
    @Column(nullable = false, insertable = false, updatable = false)
    private int admitted;

    @JdbcTypeCode(SqlTypes.ARRAY)
    @Column(name = "labels", nullable = false, columnDefinition = "text[]")
    private String[] labels = new String[0];

    /** The allocation policy as JSON ({@link Allocation}). */
    @Column(nullable = false)
    private String allocation;

    /** The allocation webhook's signing secrets (WEBHOOK allocation only). */
    @Embedded
    @AttributeOverrides({
        @AttributeOverride(name = "ciphertext", column = @Column(name = "allocation_ciphertext")),
        @AttributeOverride(name = "wrappedKey", column = @Column(name = "allocation_wrapped_key")),
        @AttributeOverride(name = "kekVersion", column = @Column(name = "allocation_kek_version"))
    })
    private SigningKeys allocationKeys;

    @Version
    private long version;

    @Column(name = "created_at", nullable = false)
    private Instant createdAt;

    @Column(name = "updated_at", nullable = false)
    private Instant updatedAt;

    protected EnrollmentGroup() {
    }

    EnrollmentGroup(GroupSpec spec, SealedSecret groupKey, Instant now) {
        this.name = spec.name();
        this.mechanism = spec.attestation().type();
        this.identityPrefix = spec.attestation().identityPrefix();
        this.derivedKeyLength = spec.attestation().type() == Mechanism.SYMMETRIC_KEY ? spec.attestation().derivedKeyLength() : null;
        if (groupKey != null) {
            this.keyCiphertext = groupKey.ciphertext();
            this.keyWrappedDataKey = groupKey.wrappedDataKey();
            this.keyKekVersion = groupKey.kekVersion();
        }
        this.createdAt = now;
        change(spec, now);
    }

    /** Takes what an update may change: everything but the name, the mechanism, the identity prefix and the key. */
    void change(GroupSpec spec, Instant now) {
        this.state = spec.state();
        this.manufacturerCas = spec.attestation().manufacturerCas().toArray(new String[0]);
        this.endpointFrom = spec.attestation().endpointFrom();
        this.endpointPattern = spec.endpointPattern();
        this.deviceLimit = spec.deviceLimit();
        this.labels = spec.labels().toArray(new String[0]);
        this.allocation = spec.allocation().json();
        this.updatedAt = now;
    }

    void allocationKeys(SigningKeys keys) {
        this.allocationKeys = keys;
    }

    void touched(Instant now) {
        this.updatedAt = now;
    }

    /** What the group key is sealed under: bound to the group, so it opens nowhere else. */
    static String keyContext(String name) {
        return "enrollment-group|" + name;
    }

    /** What the allocation webhook's secret is sealed under. */
    static String allocationContext(String name) {
        return "enrollment-group-allocation|" + name;
    }

    void resealKey(SealedSecret key) {
        this.keyCiphertext = key.ciphertext();
        this.keyWrappedDataKey = key.wrappedDataKey();
        this.keyKekVersion = key.kekVersion();
    }

    public Long id() {
        return id;
    }

    public String name() {
        return name;
    }

    public State state() {
        return state;
    }

    public Mechanism mechanism() {
        return mechanism;
    }

    public List<String> manufacturerCas() {
        return List.of(manufacturerCas);
    }

    public EndpointFrom endpointFrom() {
        return endpointFrom;
    }

    public String identityPrefix() {
        return identityPrefix;
    }

    /** How many bytes of the MAC a device's PSK is (SYMMETRIC_KEY); null for X509. */
    public Integer derivedKeyLength() {
        return derivedKeyLength;
    }

    SealedSecret groupKey() {
        return keyCiphertext == null ? null : new SealedSecret(keyCiphertext, keyWrappedDataKey, keyKekVersion);
    }

    public String endpointPattern() {
        return endpointPattern;
    }

    public Integer deviceLimit() {
        return deviceLimit;
    }

    public int admitted() {
        return admitted;
    }

    public List<String> labels() {
        return List.of(labels);
    }

    public Allocation allocation() {
        return Allocation.fromJson(allocation);
    }

    SigningKeys allocationKeys() {
        return allocationKeys;
    }

    /** When the previous allocation secret stops signing, or null when only one signs. */
    public Instant previousAllocationSecretValidUntil(Instant now) {
        return allocationKeys == null || allocationKeys.previous(now) == null ? null : allocationKeys.previousValidUntil();
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
