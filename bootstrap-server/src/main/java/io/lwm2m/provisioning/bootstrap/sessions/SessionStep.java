package io.lwm2m.provisioning.bootstrap.sessions;

import jakarta.persistence.Column;
import jakarta.persistence.Embeddable;
import java.time.Instant;

/** One request the server sent in a session, and what the client answered. */
@Embeddable
public class SessionStep {

    @Column(nullable = false)
    private String operation;

    @Column(nullable = false)
    private String path;

    @Column(name = "response_code")
    private String responseCode;

    private String detail;

    @Column(name = "sent_at", nullable = false)
    private Instant sentAt;

    @Column(name = "duration_ms")
    private Integer durationMs;

    protected SessionStep() {
    }

    public SessionStep(String operation, String path, String responseCode, String detail, Instant sentAt, Integer durationMs) {
        this.operation = operation;
        this.path = path;
        this.responseCode = responseCode;
        this.detail = detail;
        this.sentAt = sentAt;
        this.durationMs = durationMs;
    }

    public String operation() {
        return operation;
    }

    public String path() {
        return path;
    }

    public String responseCode() {
        return responseCode;
    }

    public String detail() {
        return detail;
    }

    public Instant sentAt() {
        return sentAt;
    }

    public Integer durationMs() {
        return durationMs;
    }
}
