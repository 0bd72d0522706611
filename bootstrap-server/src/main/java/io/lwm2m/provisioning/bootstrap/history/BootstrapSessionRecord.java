package io.lwm2m.provisioning.bootstrap.history;

import io.lwm2m.provisioning.bootstrap.sessions.BootstrapFailure;
import io.lwm2m.provisioning.bootstrap.sessions.SessionOutcome;
import io.lwm2m.provisioning.bootstrap.sessions.SessionStart;
import io.lwm2m.provisioning.bootstrap.sessions.SessionStep;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

/** The record of one bootstrap session (or refused Bootstrap-Request) and its steps. */
@Entity
@Table(name = "bootstrap_sessions")
public class BootstrapSessionRecord {

    @Id
    private UUID id;

    @Column(name = "device_id")
    private Long deviceId;

    private String endpoint;

    @Column(name = "peer_address", nullable = false)
    private String peerAddress;

    @Column(name = "security_mode", nullable = false)
    private String securityMode;

    private String identity;

    @Column(name = "lwm2m_version")
    private String lwm2mVersion;

    @Column(name = "content_format")
    private Integer contentFormat;

    @Column(name = "started_at", nullable = false)
    private Instant startedAt;

    @Column(name = "ended_at")
    private Instant endedAt;

    @Enumerated(EnumType.STRING)
    @Column(nullable = false)
    private SessionOutcome outcome;

    private String reason;

    @Enumerated(EnumType.STRING)
    private BootstrapFailure failure;

    /** The steps as a JSON array (see {@link SessionStep#toJson}). */
    @Column(name = "steps", nullable = false)
    private String steps = "[]";

    protected BootstrapSessionRecord() {
    }

    BootstrapSessionRecord(SessionStart start) {
        this.id = start.id();
        this.deviceId = start.deviceId();
        this.endpoint = start.endpoint();
        this.peerAddress = start.peerAddress();
        this.securityMode = start.securityMode().name();
        this.identity = start.identity();
        this.contentFormat = start.contentFormat();
        this.startedAt = start.startedAt();
        this.outcome = SessionOutcome.RUNNING;
    }

    void end(SessionOutcome outcome, BootstrapFailure failure, String reason, String lwm2mVersion, List<SessionStep> steps, Instant endedAt) {
        this.outcome = outcome;
        this.failure = failure;
        this.reason = truncate(reason);
        this.lwm2mVersion = lwm2mVersion;
        this.steps = StepsJson.toJson(steps);
        this.endedAt = endedAt;
    }

    /** A reason as the column holds it (512 characters at most). */
    static String truncate(String reason) {
        return reason == null || reason.length() <= 512 ? reason : reason.substring(0, 512);
    }

    public UUID id() {
        return id;
    }

    public Long deviceId() {
        return deviceId;
    }

    public String endpoint() {
        return endpoint;
    }

    public String peerAddress() {
        return peerAddress;
    }

    public String securityMode() {
        return securityMode;
    }

    public String identity() {
        return identity;
    }

    public String lwm2mVersion() {
        return lwm2mVersion;
    }

    public Integer contentFormat() {
        return contentFormat;
    }

    public Instant startedAt() {
        return startedAt;
    }

    public Instant endedAt() {
        return endedAt;
    }

    public SessionOutcome outcome() {
        return outcome;
    }

    /** Why it failed, or null. */
    public BootstrapFailure failure() {
        return failure;
    }

    public String reason() {
        return reason;
    }

    public List<SessionStep> steps() {
        return List.copyOf(StepsJson.fromJson(steps));
    }
}
