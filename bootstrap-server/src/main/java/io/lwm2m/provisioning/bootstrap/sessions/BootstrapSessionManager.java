package io.lwm2m.provisioning.bootstrap.sessions;

import io.lwm2m.provisioning.bootstrap.credentials.CredentialLifecycle;
import io.lwm2m.provisioning.bootstrap.devices.BootstrapConfigStore;
import io.lwm2m.provisioning.bootstrap.devices.DeviceBootstrapConfig;
import io.lwm2m.provisioning.bootstrap.devices.DeviceState;
import io.lwm2m.provisioning.bootstrap.lwm2m.ContentFormat;
import io.lwm2m.provisioning.bootstrap.lwm2m.InstanceEncoder;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

/**
 * Decides on Bootstrap-Requests and runs the sessions they start: at most one per endpoint, each
 * with a per-request timeout and an overall deadline. Transport-independent: the CoAP layer
 * hands in a {@link BootstrapRequest} and a {@link BootstrapClient}.
 */
@Component
public class BootstrapSessionManager implements DisposableBean {

    private static final Logger log = LoggerFactory.getLogger(BootstrapSessionManager.class);

    private final BootstrapConfigStore configs;
    private final SessionRecorder recorder;
    private final CredentialLifecycle lifecycle;
    private final java.util.List<BootstrapEvents> events;
    private final String bootstrapServerUri;
    private final Clock clock;
    private final Duration sessionTimeout;
    private final ScheduledExecutorService timers;
    private final ConcurrentMap<String, BootstrapSession> running = new ConcurrentHashMap<>();
    private volatile boolean accepting = true;

    BootstrapSessionManager(BootstrapConfigStore configs, SessionRecorder recorder, CredentialLifecycle lifecycle,
            Clock clock, @Value("${provisioning.bootstrap.session-timeout:120s}") Duration sessionTimeout,
            @Value("${provisioning.bootstrap.public-uri:}") String bootstrapServerUri, java.util.List<BootstrapEvents> events) {
        this.events = events;
        this.configs = configs;
        this.recorder = recorder;
        this.lifecycle = lifecycle;
        this.bootstrapServerUri = bootstrapServerUri;
        this.clock = clock;
        this.sessionTimeout = sessionTimeout;
        this.timers = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "bootstrap-session-timer");
            t.setDaemon(true);
            return t;
        });
    }

    /**
     * Checks a Bootstrap-Request: the authenticated identity must belong to the named endpoint,
     * the device must be active, the asked content format supported. Records refusals.
     */
    public BootstrapDecision accept(BootstrapRequest request) {
        if (!accepting) {
            return new BootstrapDecision.Refused("5.03", "the server is shutting down");
        }
        UUID id = UUID.randomUUID();
        Optional<DeviceBootstrapConfig> config = request.identity() != null ? configs.findByBootstrapIdentity(request.identity())
                : request.endpoint() != null && request.malformed() == null ? configs.findForNoSec(request.endpoint())
                : Optional.empty();
        Long deviceId = config.map(DeviceBootstrapConfig::deviceId).orElse(null);
        String endpoint = request.endpoint() != null ? request.endpoint() : config.map(DeviceBootstrapConfig::endpoint).orElse(null);
        // No pct (LwM2M 1.0) means TLV; the record shows the format the writes use.
        int format = request.preferredContentFormat() == null ? ContentFormat.TLV : request.preferredContentFormat();
        SessionStart start = new SessionStart(id, deviceId, endpoint, request.peerAddress(), request.securityMode(),
                request.identity() == null ? null : request.identity().describe(), format, clock.instant());

        String refusal = null;
        String code = "4.00";
        if (request.malformed() != null) {
            refusal = "malformed Bootstrap-Request: " + request.malformed();
        } else if (request.identity() == null && (config.isEmpty() || !config.get().allowNoSec())) {
            refusal = request.endpoint() == null ? "Bootstrap-Request over plain CoAP without an endpoint name"
                    : config.isEmpty() ? "Bootstrap-Request over plain CoAP for '" + request.endpoint() + "', which is not a registered device"
                    : "Bootstrap-Request over plain CoAP; the profile of '" + request.endpoint() + "' requires DTLS";
        } else if (config.isEmpty()) {
            refusal = "the DTLS identity " + request.identity().describe() + " belongs to no device";
        } else if (!config.get().endpoint().equals(endpoint)) {
            refusal = (configs.isRegistered(endpoint) ? "endpoint '" + endpoint + "' does not match the DTLS identity"
                    : "endpoint '" + endpoint + "' is not a registered device; the DTLS identity")
                    + " belongs to device '" + config.get().endpoint() + "'";
        } else if (config.get().state() != DeviceState.ACTIVE) {
            refusal = "device '" + endpoint + "' is " + config.get().state();
        }
        InstanceEncoder encoder = null;
        if (refusal == null) {
            encoder = InstanceEncoder.forContentFormat(format).orElse(null);
            if (encoder == null) {
                code = "4.15";
                refusal = "the client asked for content format " + format + " (pct), which this server does not write;"
                        + " supported: TLV 11542, SenML-JSON 110, SenML-CBOR 112, LwM2M-CBOR 11544";
            }
        }
        if (refusal != null) {
            log.info("Refused Bootstrap-Request {} from {}: {} {}", id, request.peerAddress(), code, refusal);
            recorder.refuse(start, code, refusal);
            String mode = request.securityMode();
            String refusedCode = code;
            events.forEach(e -> e.requestRefused(refusedCode, mode));
            return new BootstrapDecision.Refused(code, refusal);
        }
        // The first authentication with a rotated bootstrap credential proves the device holds it.
        if (request.identity() != null && config.get().bootstrapCredentialPending()) {
            lifecycle.authenticatedWith(config.get().bootstrapCredentialId());
        }
        return new BootstrapDecision.Accepted(start, config.get(), encoder);
    }

    /** Starts the session of an accepted request; a running session of the same endpoint is superseded. */
    public void start(BootstrapDecision.Accepted accepted, BootstrapClient client) {
        try {
            recorder.begin(accepted.start());
        } catch (org.springframework.dao.DataIntegrityViolationException e) {
            // Another replica started a session of this device at the same moment: supersede it too.
            recorder.begin(accepted.start());
        }
        BootstrapSession session = new BootstrapSession(accepted, client, recorder, clock, this::ended,
                bootstrapServerUri, lifecycle::delivered);
        events.forEach(e -> e.sessionStarted(accepted.start().securityMode()));
        BootstrapSession previous = running.put(accepted.config().endpoint(), session);
        if (previous != null) {
            previous.abort("superseded by a new Bootstrap-Request (session " + accepted.start().id() + ")");
        }
        session.scheduleDeadline(timers.schedule(() -> session.abort("the session deadline of "
                + sessionTimeout.toSeconds() + " s passed"), sessionTimeout.toMillis(), TimeUnit.MILLISECONDS));
        session.run();
    }

    private void ended(BootstrapSession session, SessionOutcome outcome, String reason) {
        running.remove(session.endpoint(), session);
        String category = reason == null ? "none"
                : reason.contains("no answer") || reason.contains("deadline") ? "timeout"
                : reason.contains("the client answered") ? "client-error"
                : reason.contains("superseded") ? "superseded"
                : reason.contains("shutting down") ? "shutdown" : "other";
        Duration duration = Duration.between(session.startedAt(), clock.instant());
        events.forEach(e -> e.sessionEnded(outcome, category, session.securityMode(), duration));
    }

    /** From now on, Bootstrap-Requests get 5.03 (shutdown). */
    public void stopAccepting() {
        accepting = false;
    }

    /** Stops taking new sessions and waits up to {@code deadline} for the running ones to finish. */
    public void drain(Duration deadline) {
        long until = System.nanoTime() + deadline.toNanos();
        while (!running.isEmpty() && System.nanoTime() < until) {
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    /** How many sessions are in progress on this replica. */
    public int runningSessions() {
        return running.size();
    }

    @Override
    public void destroy() {
        running.values().forEach(s -> s.abort("the server is shutting down"));
        timers.shutdownNow();
    }
}
