package io.lwm2m.provisioning.app;

import io.lwm2m.provisioning.bootstrap.handshakes.HandshakeFailureReason;
import io.lwm2m.provisioning.bootstrap.lwm2m.SecurityMode;
import io.lwm2m.provisioning.bootstrap.sessions.BootstrapEvents;
import io.lwm2m.provisioning.bootstrap.sessions.BootstrapFailure;
import io.lwm2m.provisioning.bootstrap.sessions.ResponseCode;
import io.lwm2m.provisioning.bootstrap.history.SessionHistoryWriter;
import io.lwm2m.provisioning.bootstrap.sessions.SessionOutcome;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * Counts what happens on the bootstrap interface as Micrometer meters, scraped from
 * {@code /actuator/prometheus} on the management port. Every label has a small, fixed set of
 * values (no endpoint names, no addresses). Called on the CoAP and DTLS threads: never throws.
 */
@Component
class BootstrapMetrics implements BootstrapEvents {

    static final String SESSIONS_STARTED = "provisioning.bootstrap.sessions.started";
    static final String SESSIONS_ENDED = "provisioning.bootstrap.sessions.ended";
    static final String REQUESTS_REFUSED = "provisioning.bootstrap.requests.refused";
    static final String SESSION_DURATION = "provisioning.bootstrap.session.duration";
    static final String DTLS_HANDSHAKES = "provisioning.dtls.handshakes";
    static final String CLUSTER_RECORDS = "provisioning.dtls.cluster.records";
    static final String CONNECTIONS_CLOSED = "provisioning.dtls.connections.closed";
    static final String HANDSHAKE_FAILURES = "provisioning.dtls.handshake.failures";
    static final String SOURCES_BLOCKED = "provisioning.bootstrap.sources.blocked";
    static final String HISTORY_DROPPED = "provisioning.bootstrap.history.dropped";
    static final String HISTORY_BACKLOG = "provisioning.bootstrap.history.backlog";

    private static final Logger log = LoggerFactory.getLogger(BootstrapMetrics.class);

    private final MeterRegistry registry;
    private final Counter handshakesSucceeded;
    private final Counter handshakesFailed;
    private final Counter sourcesBlocked;
    private final Counter historyDropped;
    private final java.util.Map<HandshakeFailureReason, Counter> handshakeFailures = new java.util.EnumMap<>(HandshakeFailureReason.class);

    BootstrapMetrics(MeterRegistry registry, SessionHistoryWriter history) {
        this.registry = registry;
        // Registered up front, so both series exist (at 0) before the first handshake.
        this.handshakesSucceeded = handshakeCounter("success");
        this.handshakesFailed = handshakeCounter("failure");
        this.sourcesBlocked = Counter.builder(SOURCES_BLOCKED)
                .description("Source addresses that reached the limit of client-caused failures and were blocked for a window")
                .register(registry);
        this.historyDropped = Counter.builder(HISTORY_DROPPED)
                .description("Session history writes dropped: the queue was full (database down for long) or the database refused them")
                .register(registry);
        io.micrometer.core.instrument.Gauge.builder(HISTORY_BACKLOG, history, SessionHistoryWriter::backlog)
                .description("Session history writes waiting for the database").register(registry);
        for (HandshakeFailureReason reason : HandshakeFailureReason.values()) {
            handshakeFailures.put(reason, Counter.builder(HANDSHAKE_FAILURES)
                    .description("Failed DTLS handshakes on the CoAPS endpoint by reason (wrong-key, unknown-psk-identity,"
                            + " certificate-expired, no-common-cipher-suite, timeout, server-error, ...)")
                    .tag("reason", reason.label())
                    .register(registry));
        }
    }

    @Override
    public void requestRefused(ResponseCode code, BootstrapFailure failure, SecurityMode securityMode) {
        try {
            Counter.builder(REQUESTS_REFUSED)
                    .description("Bootstrap-Requests refused before a session started, by CoAP response code")
                    .tag("code", code.toString())
                    .tag("security_mode", label(securityMode))
                    .register(registry).increment();
        } catch (RuntimeException e) {
            log.debug("Could not count a refused Bootstrap-Request", e);
        }
    }

    @Override
    public void sessionStarted(SecurityMode securityMode) {
        try {
            Counter.builder(SESSIONS_STARTED)
                    .description("Bootstrap sessions started")
                    .tag("security_mode", label(securityMode))
                    .register(registry).increment();
        } catch (RuntimeException e) {
            log.debug("Could not count a started session", e);
        }
    }

    @Override
    public void sessionEnded(SessionOutcome outcome, BootstrapFailure failure, SecurityMode securityMode, Duration duration) {
        try {
            String outcomeLabel = outcome == null ? "unknown" : outcome.name();
            Counter.builder(SESSIONS_ENDED)
                    .description("Bootstrap sessions ended, by outcome and reason category")
                    .tag("outcome", outcomeLabel)
                    .tag("reason", failure == null ? "none" : failure.category().label())
                    .tag("security_mode", label(securityMode))
                    .register(registry).increment();
            Timer.builder(SESSION_DURATION)
                    .description("How long bootstrap sessions took, from the Bootstrap-Request to their end")
                    .tag("outcome", outcomeLabel)
                    .tag("security_mode", label(securityMode))
                    .publishPercentileHistogram()
                    .minimumExpectedValue(Duration.ofMillis(10))
                    .maximumExpectedValue(Duration.ofMinutes(5))
                    .register(registry)
                    .record(duration == null || duration.isNegative() ? Duration.ZERO : duration);
        } catch (RuntimeException e) {
            log.debug("Could not count an ended session", e);
        }
    }

    @Override
    public void handshake(boolean success) {
        (success ? handshakesSucceeded : handshakesFailed).increment();
    }

    @Override
    public void sourceBlocked() {
        sourcesBlocked.increment();
    }

    @Override
    public void historyDropped(int writes) {
        historyDropped.increment(writes);
    }

    @Override
    public void handshakeFailed(HandshakeFailureReason reason) {
        handshakeFailures.get(reason).increment();
    }

    @Override
    public void clusterRecord(String kind) {
        try {
            Counter.builder(CLUSTER_RECORDS)
                    .description("DTLS records crossing the cluster port: forwarded to the replica owning their"
                            + " Connection ID, received from a peer, answers backwarded or returned, dropped, rejected")
                    .tag("kind", label(kind))
                    .register(registry).increment();
        } catch (RuntimeException e) {
            log.debug("Could not count a cluster record", e);
        }
    }

    @Override
    public void connectionsClosed(int count) {
        try {
            Counter.builder(CONNECTIONS_CLOSED)
                    .description("DTLS connections closed because the credential they were authenticated with ended")
                    .register(registry).increment(count);
        } catch (RuntimeException e) {
            log.debug("Could not count closed connections", e);
        }
    }

    private Counter handshakeCounter(String outcome) {
        return Counter.builder(DTLS_HANDSHAKES)
                .description("DTLS handshakes on the CoAPS endpoint, completed or failed")
                .tag("outcome", outcome)
                .register(registry);
    }

    private static String label(String value) {
        return value == null || value.isBlank() ? "unknown" : value;
    }

    private static String label(SecurityMode mode) {
        return mode == null ? "unknown" : mode.name();
    }
}
