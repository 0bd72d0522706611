package io.lwm2m.provisioning.bootstrap.sessions;

import io.lwm2m.provisioning.bootstrap.lwm2m.ContentFormat;
import io.lwm2m.provisioning.bootstrap.lwm2m.InstanceEncoder;
import io.lwm2m.provisioning.bootstrap.lwm2m.PackEncoder;
import io.lwm2m.provisioning.bootstrap.profiles.Compatibility;
import io.lwm2m.provisioning.bootstrap.settings.BootstrapSettings;
import io.lwm2m.provisioning.threads.WorkerPools;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.stereotype.Component;

/**
 * Decides on Bootstrap-Requests and runs the sessions they start: at most one per endpoint, each
 * with a per-request timeout and an overall deadline. Transport-independent: the CoAP layer
 * hands in a {@link BootstrapRequest} and a {@link BootstrapClient}.
 */
@Component
public class BootstrapSessionManager implements DisposableBean {

    private static final Logger log = LoggerFactory.getLogger(BootstrapSessionManager.class);

    private final BootstrapConfigSource configs;
    private final DeviceAdmission admission;
    private final SessionHistory recorder;
    private final CredentialDelivery lifecycle;
    private final java.util.List<BootstrapEvents> events;
    private final String bootstrapServerUri;
    private final Clock clock;
    private final Duration sessionTimeout;
    private final ScheduledExecutorService timers;
    private final ConcurrentMap<String, BootstrapSession> running = new ConcurrentHashMap<>();
    private volatile boolean accepting = true;

    @Autowired
    BootstrapSessionManager(BootstrapConfigSource configs, DeviceAdmission admission, SessionHistory recorder,
            CredentialDelivery lifecycle, Clock clock, BootstrapSettings settings, java.util.List<BootstrapEvents> events,
            WorkerPools pools) {
        this(configs, admission, recorder, lifecycle, clock, settings.sessionTimeout(), settings.publicUri(), events,
                pools.timer("bootstrap-session-timer"));
    }

    BootstrapSessionManager(BootstrapConfigSource configs, DeviceAdmission admission, SessionHistory recorder,
            CredentialDelivery lifecycle, Clock clock, Duration sessionTimeout, String bootstrapServerUri,
            java.util.List<BootstrapEvents> events, ScheduledExecutorService timers) {
        this.events = events;
        this.configs = configs;
        this.admission = admission;
        this.recorder = recorder;
        this.lifecycle = lifecycle;
        this.bootstrapServerUri = bootstrapServerUri;
        this.clock = clock;
        this.sessionTimeout = sessionTimeout;
        this.timers = timers;
    }

    /**
     * Checks a Bootstrap-Request: the authenticated identity must belong to the named endpoint,
     * the device must be active, the asked content format supported. Records refusals.
     */
    public BootstrapDecision accept(BootstrapRequest request) {
        Checked checked = check(request, ContentFormat.TLV, "Bootstrap-Request");
        if (checked.refusal() != null) {
            return checked.refusal();
        }
        DeviceBootstrapConfig config = checked.config();
        SessionStart start = checked.start();
        Compatibility.WriteFormat forced = config.compatibility().contentFormat();
        if (forced != null) {
            if (request.preferredContentFormat() == null && forced != Compatibility.WriteFormat.TLV) {
                return refuse(start, ResponseCode.UNSUPPORTED_CONTENT_FORMAT, BootstrapFailure.UNSUPPORTED_CONTENT_FORMAT, "the profile writes " + forced + " but the client sent no pct: an LwM2M 1.0"
                        + " client, which takes TLV only");
            }
            start = start.withContentFormat(forced.contentFormat());
        }
        InstanceEncoder encoder = InstanceEncoder.forContentFormat(start.contentFormat()).orElse(null);
        if (encoder == null) {
            return refuse(start, ResponseCode.UNSUPPORTED_CONTENT_FORMAT, BootstrapFailure.UNSUPPORTED_CONTENT_FORMAT,
                    "the client asked for content format " + start.contentFormat()
                    + " (pct), which this server does not write; supported: TLV 11542, SenML-JSON 110, SenML-CBOR 112,"
                    + " LwM2M-CBOR 11544");
        }
        // The first authentication with a rotated bootstrap credential proves the device holds it.
        if (request.identity() != null && config.bootstrapCredentialPending()) {
            lifecycle.authenticatedWith(config.bootstrapCredentialId());
        }
        return new BootstrapDecision.Accepted(start, config, encoder, impliedVersion(request.preferredContentFormat()));
    }

    /** The LwM2M version a Bootstrap-Request's {@code pct} implies: none before 1.1, LwM2M-CBOR since 1.2. */
    private static String impliedVersion(Integer pct) {
        return pct == null ? "1.0" : pct == ContentFormat.LWM2M_CBOR ? "1.2" : "1.1";
    }

    /**
     * Answers a Bootstrap-Pack-Request (LwM2M 1.2, {@code GET /bspack?ep=..}): the same checks as a
     * Bootstrap-Request, then the whole configuration in one payload in the format of the request's
     * Accept option ({@code preferredContentFormat}; SenML-CBOR when absent). Records a session of
     * one step; the DM-server credentials in the pack count as delivered.
     */
    public PackAnswer pack(BootstrapRequest request) {
        Checked checked = check(request, ContentFormat.SENML_CBOR, "Bootstrap-Pack-Request");
        if (checked.refusal() != null) {
            return PackAnswer.refused(checked.refusal());
        }
        DeviceBootstrapConfig config = checked.config();
        SessionStart start = checked.start();
        Compatibility compatibility = config.compatibility();
        if (!compatibility.packAllowed()) {
            return PackAnswer.refused(refuse(start, ResponseCode.METHOD_NOT_ALLOWED, BootstrapFailure.PACK_FORBIDDEN, "the profile of '" + config.endpoint()
                    + "' forbids Bootstrap-Pack (compatibility.bootstrapPack); the client may send a Bootstrap-Request"));
        }
        Integer forced = compatibility.forcedContentFormat();
        if (forced != null) {
            if (request.preferredContentFormat() != null && !request.preferredContentFormat().equals(forced)) {
                return PackAnswer.refused(refuse(start, ResponseCode.NOT_ACCEPTABLE, BootstrapFailure.UNSUPPORTED_CONTENT_FORMAT,
                        "the client asked for a Bootstrap-Pack in content format "
                        + request.preferredContentFormat() + " (Accept) but its profile writes " + compatibility.contentFormat()));
            }
            start = start.withContentFormat(forced);
        }
        PackEncoder encoder = PackEncoder.forContentFormat(start.contentFormat()).orElse(null);
        if (encoder == null) {
            return PackAnswer.refused(refuse(start, ResponseCode.NOT_ACCEPTABLE, BootstrapFailure.UNSUPPORTED_CONTENT_FORMAT,
                    "a Bootstrap-Pack in content format " + start.contentFormat()
                    + " was asked (Accept) or set by the profile; supported: SenML-CBOR 112, SenML-JSON 110, LwM2M-CBOR 11544"));
        }
        // Without a Discover the pack can only avoid the client's bootstrap account where the server knows it.
        Integer bootstrapAccount = recorder.learnedBootstrapAccountInstance(config.deviceId())
                .orElse(compatibility.bootstrapAccountInstance());
        if (bootstrapAccount == null) {
            return PackAnswer.refused(refuse(start, ResponseCode.METHOD_NOT_ALLOWED, BootstrapFailure.BOOTSTRAP_ACCOUNT_UNKNOWN,
                    "no Bootstrap-Discover has shown where the client keeps its"
                    + " bootstrap-server account, which a pack could overwrite; the client may send a Bootstrap-Request"
                    + " (or its profile may name compatibility.bootstrapAccountInstance)"));
        }
        if (request.identity() != null && config.bootstrapCredentialPending()) {
            lifecycle.authenticatedWith(config.bootstrapCredentialId());
        }
        byte[] payload = encoder.encodePack(BootstrapPack.instances(config, bootstrapAccount));
        recordPack(start, config, payload.length);
        return new PackAnswer(ResponseCode.CONTENT, null, config.endpoint(), encoder.contentFormat(), payload);
    }

    /** A pack is a session of one step, recorded as succeeded; its DM-server credentials count as delivered. */
    private void recordPack(SessionStart packed, DeviceBootstrapConfig config, int payloadLength) {
        recorder.begin(packed);
        BootstrapSession previous = running.remove(config.endpoint());
        if (previous != null) {
            previous.abort(BootstrapFailure.SUPERSEDED, "superseded by a Bootstrap-Pack-Request (session " + packed.id() + ")");
        }
        events.forEach(e -> e.sessionStarted(packed.securityMode()));
        java.time.Instant now = clock.instant();
        Duration took = Duration.between(packed.startedAt(), now);
        // A pack never writes the client's bootstrap account, so a rotated bootstrap credential stays pending.
        recorder.finish(packed, new SessionEnd(SessionOutcome.SUCCEEDED, null, null, "1.2",
                java.util.List.of(new SessionStep("Bootstrap-Pack", "/bspack", ResponseCode.CONTENT, null, packed.startedAt(),
                        (int) took.toMillis())), null, now, config.deliveredCredentialIds(false)));
        log.info("Bootstrap session {} of {} SUCCEEDED: Bootstrap-Pack of {} bytes", packed.id(), config.endpoint(), payloadLength);
        events.forEach(e -> e.sessionEnded(SessionOutcome.SUCCEEDED, null, packed.securityMode(), took));
    }

    /**
     * The answer to a Bootstrap-Pack-Request: {@code code} 2.05 with {@code payload} in
     * {@code contentFormat} for device {@code endpoint}, or a refusal code whose {@code reason}
     * stays on this side.
     */
    public record PackAnswer(ResponseCode code, BootstrapDecision.Refused refusal, String endpoint, int contentFormat,
            byte[] payload) {

        static PackAnswer refused(BootstrapDecision.Refused refused) {
            return new PackAnswer(refused.code(), refused, null, -1, null);
        }
    }

    /** A request that passed the checks ({@code config} set) or was refused ({@code refusal} set). */
    private record Checked(SessionStart start, DeviceBootstrapConfig config, BootstrapDecision.Refused refusal) {
    }

    private Checked check(BootstrapRequest request, int defaultContentFormat, String kind) {
        if (!accepting) {
            return new Checked(null, null, new BootstrapDecision.Refused(ResponseCode.SERVICE_UNAVAILABLE,
                    BootstrapFailure.SHUTTING_DOWN, "the server is shutting down"));
        }
        UUID id = UUID.randomUUID();
        Found found = find(request);
        Optional<DeviceBootstrapConfig> config = found.config();
        Long deviceId = config.map(DeviceBootstrapConfig::deviceId).orElse(null);
        String endpoint = request.endpoint() != null ? request.endpoint() : config.map(DeviceBootstrapConfig::endpoint).orElse(null);
        // No pct (LwM2M 1.0) means TLV; the record shows the format the writes use.
        int format = request.preferredContentFormat() == null ? defaultContentFormat : request.preferredContentFormat();
        SessionStart start = new SessionStart(id, deviceId, endpoint, request.peerAddress(), request.securityMode(),
                request.identity() == null ? null : request.identity().describe(), format, clock.instant());

        String refusal = null;
        BootstrapFailure failure = null;
        if (request.malformed() != null) {
            failure = BootstrapFailure.MALFORMED_REQUEST;
            refusal = "malformed " + kind + ": " + request.malformed();
        } else if (request.identity() == null && (config.isEmpty() || !config.get().allowNoSec())) {
            failure = BootstrapFailure.NOSEC_NOT_ALLOWED;
            refusal = request.endpoint() == null ? kind + " over plain CoAP without an endpoint name"
                    : config.isEmpty() ? kind + " over plain CoAP for '" + request.endpoint() + "', which is not a registered device"
                    : kind + " over plain CoAP; the profile of '" + request.endpoint() + "' requires DTLS";
        } else if (found.notAdmitted() != null) {
            failure = BootstrapFailure.NOT_ADMITTED;
            refusal = found.notAdmitted();
        } else if (config.isEmpty()) {
            failure = BootstrapFailure.UNKNOWN_IDENTITY;
            refusal = "the DTLS identity " + request.identity().describe() + " belongs to no device";
        } else if (!config.get().endpoint().equals(endpoint)) {
            failure = BootstrapFailure.ENDPOINT_MISMATCH;
            refusal = (configs.isRegistered(endpoint) ? "endpoint '" + endpoint + "' does not match the DTLS identity, which"
                    : "endpoint '" + endpoint + "' is not a registered device; the DTLS identity")
                    + " belongs to device '" + config.get().endpoint() + "'";
        } else if (!config.get().active()) {
            failure = BootstrapFailure.DEVICE_NOT_ACTIVE;
            refusal = "device '" + endpoint + "' is " + config.get().state();
        }
        if (refusal != null) {
            return new Checked(start, null, refuse(start, ResponseCode.BAD_REQUEST, failure, refusal));
        }
        return new Checked(start, config.get(), null);
    }

    /** The configuration a request is for, or why an enrollment group did not admit its unknown identity. */
    private record Found(Optional<DeviceBootstrapConfig> config, String notAdmitted) {
    }

    /**
     * The device the request's identity (or, over plain CoAP, its {@code ep}) names. An authenticated
     * identity of no device is a first contact: enrollment groups may admit it (issue 17), and then
     * it names the device they created.
     */
    private Found find(BootstrapRequest request) {
        if (request.identity() == null) {
            return new Found(request.endpoint() != null && request.malformed() == null ? configs.findForNoSec(request.endpoint())
                    : Optional.empty(), null);
        }
        Optional<DeviceBootstrapConfig> config = configs.findByBootstrapIdentity(request.identity());
        if (config.isPresent() || request.malformed() != null) {
            return new Found(config, null);
        }
        DeviceAdmission.Admission admitted = admission.admit(request.identity(), request.endpoint(),
                DeviceAdmission.Channel.BOOTSTRAP, request.peerAddress());
        if (admitted instanceof DeviceAdmission.Admission.Refused refused) {
            return new Found(Optional.empty(), refused.reason());
        }
        return new Found(admitted instanceof DeviceAdmission.Admission.Admitted
                ? configs.findByBootstrapIdentity(request.identity()) : Optional.empty(), null);
    }

    private BootstrapDecision.Refused refuse(SessionStart start, ResponseCode code, BootstrapFailure failure, String refusal) {
        log.info("Refused Bootstrap-Request {} from {}: {} {}", start.id(), start.peerAddress(), code, refusal);
        recorder.refuse(start, code, failure, refusal);
        events.forEach(e -> e.requestRefused(code, failure, start.securityMode()));
        return new BootstrapDecision.Refused(code, failure, refusal);
    }

    /** Starts the session of an accepted request; a running session of the same endpoint is superseded. */
    public void start(BootstrapDecision.Accepted accepted, BootstrapClient client) {
        recorder.begin(accepted.start());
        BootstrapSession session = new BootstrapSession(accepted, client, recorder, clock, this::ended, bootstrapServerUri);
        events.forEach(e -> e.sessionStarted(accepted.start().securityMode()));
        BootstrapSession previous = running.put(accepted.config().endpoint(), session);
        if (previous != null) {
            previous.abort(BootstrapFailure.SUPERSEDED, "superseded by a new Bootstrap-Request (session " + accepted.start().id() + ")");
        }
        session.scheduleDeadline(timers.schedule(() -> session.abort(BootstrapFailure.DEADLINE, "the session deadline of "
                + sessionTimeout.toSeconds() + " s passed"), sessionTimeout.toMillis(), TimeUnit.MILLISECONDS));
        session.run();
    }

    private void ended(BootstrapSession session, SessionOutcome outcome, BootstrapFailure failure) {
        running.remove(session.endpoint(), session);
        Duration duration = Duration.between(session.startedAt(), clock.instant());
        events.forEach(e -> e.sessionEnded(outcome, failure, session.securityMode(), duration));
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
        running.values().forEach(s -> s.abort(BootstrapFailure.SHUTDOWN, "the server is shutting down"));
        timers.shutdownNow();
    }
}
