package io.lwm2m.provisioning.bootstrap.sessions;

import io.lwm2m.provisioning.bootstrap.lwm2m.DmServerAccount;
import io.lwm2m.provisioning.bootstrap.lwm2m.Resource;
import io.lwm2m.provisioning.bootstrap.lwm2m.InstanceEncoder;
import io.lwm2m.provisioning.bootstrap.lwm2m.ObjectInstance;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One bootstrap session (LwM2M Core §5.2.7 / §6.1): Bootstrap-Discover of /0, Bootstrap-Delete
 * of /0 and /1 (the client spares its bootstrap account), one Security and one Server instance
 * per DM server on instance ids that do not collide with the bootstrap account, then
 * Bootstrap-Finish. Runs without blocking a thread: each step continues when the answer arrives.
 */
final class BootstrapSession {

    private static final Logger log = LoggerFactory.getLogger(BootstrapSession.class);

    private final BootstrapDecision.Accepted accepted;
    private final BootstrapClient client;
    private final SessionHistory recorder;
    private final Clock clock;
    private final EndListener onEnd;
    private final List<SessionStep> steps = Collections.synchronizedList(new ArrayList<>());
    private final AtomicBoolean ended = new AtomicBoolean();
    private final String configuredBootstrapUri;
    private volatile Future<?> deadline;
    private volatile String lwm2mVersion;
    private volatile Integer bootstrapAccountId;
    private volatile String bootstrapAccountUri;
    private volatile boolean bootstrapAccountWritten;
    private volatile boolean securityVersion11;
    private volatile boolean serverVersion11;
    private volatile boolean objectsKnown;
    /** Whether the session runs without a usable Discover answer, on the profile's word (compatibility). */
    private volatile boolean discoverless;
    /** The bootstrap account's instance as a real Discover answer showed it, for the history. */
    private volatile Integer learnedBootstrapAccount;

    /** Told once when the session ends. */
    interface EndListener {
        void ended(BootstrapSession session, SessionOutcome outcome, BootstrapFailure failure);
    }

    BootstrapSession(BootstrapDecision.Accepted accepted, BootstrapClient client, SessionHistory recorder, Clock clock,
            Consumer<BootstrapSession> onEnd) {
        this(accepted, client, recorder, clock, (session, outcome, failure) -> onEnd.accept(session), "");
    }

    /**
     * @param configuredBootstrapUri this server's URI as devices reach it, for rewriting the bootstrap
     *                               account when the client's Discover answer does not carry it
     */
    BootstrapSession(BootstrapDecision.Accepted accepted, BootstrapClient client, SessionHistory recorder, Clock clock,
            EndListener onEnd, String configuredBootstrapUri) {
        this.accepted = accepted;
        this.client = client;
        this.recorder = recorder;
        this.clock = clock;
        this.onEnd = onEnd;
        this.configuredBootstrapUri = configuredBootstrapUri;
    }

    String endpoint() {
        return accepted.config().endpoint();
    }

    java.time.Instant startedAt() {
        return accepted.start().startedAt();
    }

    io.lwm2m.provisioning.bootstrap.lwm2m.SecurityMode securityMode() {
        return accepted.start().securityMode();
    }

    void scheduleDeadline(Future<?> deadline) {
        this.deadline = deadline;
    }

    void run() {
        discover()
                .thenCompose(discovered -> {
                    Set<Integer> reserved = reservedSecurityInstances(discovered);
                    CompletableFuture<DownlinkResponse> deletes = CompletableFuture.completedFuture(null);
                    for (String path : accepted.config().deletePaths()) {
                        // Deletes only what it must: a factory-fresh client holds nothing but its bootstrap account.
                        if (discoverless || !discovered.holdsNothingAt(path, objectsKnown)) {
                            deletes = deletes.thenCompose(r -> exchange(DownlinkRequest.delete(path)));
                        }
                    }
                    return deletes
                            .thenCompose(r -> writeAccounts(reserved))
                            .thenCompose(r -> writeBootstrapAccount())
                            .thenCompose(r -> writeAccessControl());
                })
                .thenCompose(r -> exchange(DownlinkRequest.finish()))
                .whenComplete((r, error) -> {
                    if (error == null) {
                        // Delivered with the history row (SessionHistory): durable through a database outage.
                        end(SessionOutcome.SUCCEEDED, null, null, accepted.config().deliveredCredentialIds(bootstrapAccountWritten));
                    } else {
                        Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
                        if (cause instanceof SessionFailure failure) {
                            end(SessionOutcome.FAILED, failure.failure, failure.getMessage());
                        } else {
                            log.warn("Bootstrap session {} of {} failed unexpectedly", accepted.start().id(), endpoint(), cause);
                            end(SessionOutcome.FAILED, BootstrapFailure.INTERNAL, cause.getMessage());
                        }
                    }
                });
    }

    /**
     * Bootstrap-Discover of {@code /}, which names every object with its version; a client that
     * refuses that (4.xx) gets a Discover of {@code /0}, enough to find its bootstrap account. A
     * client that refuses both, or whose answer lists no Security instance, is bootstrapped only
     * where its profile names the instance of its bootstrap account ({@code
     * compatibility.bootstrapAccountInstance}): without it a write could overwrite that account.
     * Checks that the configuration fits the client's objects before anything on it changes.
     */
    private CompletableFuture<DiscoveredClient> discover() {
        return exchange(DownlinkRequest.discover("/"), true).thenCompose(root -> {
            if (root.isSuccess()) {
                objectsKnown = true;
                return CompletableFuture.completedFuture(root);
            }
            return exchange(DownlinkRequest.discover("/0"), true);
        }).thenApply(answer -> {
            DiscoveredClient discovered = null;
            if (answer.isSuccess()) {
                try {
                    discovered = DiscoveredClient.parse(new String(answer.payload(), StandardCharsets.UTF_8));
                } catch (IllegalArgumentException e) {
                    throw new SessionFailure(BootstrapFailure.DISCOVER_UNUSABLE,
                            "the client's Bootstrap-Discover answer is not usable link-format: " + e.getMessage());
                }
                lwm2mVersion = discovered.lwm2mVersion();
            }
            if (discovered == null || discovered.securityInstances().isEmpty()) {
                discovered = withoutDiscover(discovered == null ? "the client refused Bootstrap-Discover of / and /0"
                        : "the client's Bootstrap-Discover answer lists no Security (/0) instance");
            } else {
                learnedBootstrapAccount = discovered.bootstrapAccountId();
            }
            securityVersion11 = discovered.objectAtLeast(0, 1, 1);
            // Without a Discover of '/', the Server object's version is the client's LwM2M version.
            serverVersion11 = objectsKnown ? discovered.objectAtLeast(1, 1, 1) : lwm2mVersion != null && !lwm2mVersion.equals("1.0");
            bootstrapAccountId = discovered.bootstrapAccountId();
            bootstrapAccountUri = discovered.bootstrapAccountUri();
            checkFits(discovered);
            return discovered;
        });
    }

    /**
     * What the session assumes when Discover told it nothing usable: the bootstrap account where the
     * profile says the client keeps it, and nothing else known (so every delete path is sent).
     * Refuses, before anything is deleted, when the profile does not say.
     */
    private DiscoveredClient withoutDiscover(String why) {
        Integer assumed = accepted.config().compatibility().bootstrapAccountInstance();
        if (assumed == null) {
            throw new SessionFailure(BootstrapFailure.DISCOVER_UNUSABLE, why
                    + ", so a write could overwrite its bootstrap-server account; its profile's"
                    + " compatibility.bootstrapAccountInstance names where such clients keep it");
        }
        discoverless = true;
        objectsKnown = false;
        if (lwm2mVersion == null && accepted.clientVersion() != null) {
            lwm2mVersion = accepted.clientVersion();
        }
        return DiscoveredClient.assumed(assumed, lwm2mVersion);
    }

    /** Refuses, before deleting anything, a configuration the client's objects cannot hold. */
    private void checkFits(DiscoveredClient discovered) {
        if (!objectsKnown) {
            return;
        }
        if (!accepted.config().accessControl().isEmpty() && !discovered.implementsObject(2)) {
            throw new SessionFailure(BootstrapFailure.CONFIGURATION_DOES_NOT_FIT,
                    "the profile has Access Control instances but the client has no Access Control object (/2)");
        }
        if (!serverVersion11) {
            for (DmServerAccount account : accepted.config().accounts()) {
                String binding = account.binding();
                if (binding != null && (binding.contains("T") || binding.contains("N"))) {
                    throw new SessionFailure(BootstrapFailure.CONFIGURATION_DOES_NOT_FIT, "binding '" + binding + "' of server "
                            + account.serverName()
                            + " needs a Server object 1.1 or later; the client's is " + discovered.objectVersions().get(1));
                }
            }
        }
    }

    /**
     * The Security instance ids the writes must not use: the bootstrap account (the one instance
     * without {@code ssid}), or every instance when the answer does not single it out.
     */
    private Set<Integer> reservedSecurityInstances(DiscoveredClient discovered) {
        List<String> deleted = accepted.config().deletePaths();
        boolean securityDeleted = deleted.contains("/") || deleted.contains("/0");
        // Only the bootstrap account survives a delete of /0; without one, every listed instance stays.
        return securityDeleted && discovered.bootstrapAccountId() != null ? Set.of(discovered.bootstrapAccountId())
                : discovered.securityInstances();
    }

    /** The Access Control (/2) instances of the device's profile, on instance ids from 0. */
    private CompletableFuture<DownlinkResponse> writeAccessControl() {
        CompletableFuture<DownlinkResponse> chain = CompletableFuture.completedFuture(null);
        InstanceEncoder encoder = accepted.encoder();
        for (ObjectInstance instance : BootstrapPack.accessControlInstances(accepted.config().accessControl())) {
            chain = chain.thenCompose(r -> exchange(DownlinkRequest.write(instance.path(), encoder.encode(instance),
                    encoder.contentFormat())));
        }
        return chain;
    }

    /**
     * Writes a rotated bootstrap credential into the client's own bootstrap account, keeping its
     * instance id. Skipped (the rotation stays pending) when Discover did not single the account out
     * or no URI for this server is known.
     */
    private CompletableFuture<DownlinkResponse> writeBootstrapAccount() {
        DeviceBootstrapConfig.BootstrapAccount account = accepted.config().bootstrapAccount();
        if (account == null) {
            return CompletableFuture.completedFuture(null);
        }
        String uri = bootstrapAccountUri != null && !bootstrapAccountUri.isBlank() ? bootstrapAccountUri : configuredBootstrapUri;
        if (bootstrapAccountId == null || uri == null || uri.isBlank()) {
            log.warn("Bootstrap session {} of {} cannot deliver the rotated bootstrap credential: the client's bootstrap "
                    + "account or this server's URI is unknown (set provisioning.bootstrap.public-uri)",
                    accepted.start().id(), endpoint());
            return CompletableFuture.completedFuture(null);
        }
        ObjectInstance instance = new ObjectInstance(0, bootstrapAccountId, List.of(
                Resource.string(0, uri),
                Resource.bool(1, true),
                Resource.integer(2, account.mode().code()),
                Resource.opaque(3, account.publicKeyOrIdentity() == null ? new byte[0] : account.publicKeyOrIdentity()),
                Resource.opaque(4, account.serverPublicKey() == null ? new byte[0] : account.serverPublicKey()),
                Resource.opaque(5, account.secretKey() == null ? new byte[0] : account.secretKey())));
        InstanceEncoder encoder = accepted.encoder();
        return exchange(DownlinkRequest.write(instance.path(), encoder.encode(instance), encoder.contentFormat()))
                .thenApply(r -> {
                    bootstrapAccountWritten = true;
                    return r;
                });
    }

    private CompletableFuture<DownlinkResponse> writeAccounts(Set<Integer> reservedSecurityIds) {
        CompletableFuture<DownlinkResponse> chain = CompletableFuture.completedFuture(null);
        int securityId = 0;
        int serverId = 0;
        InstanceEncoder encoder = accepted.encoder();
        for (DmServerAccount account : accepted.config().accounts()) {
            while (reservedSecurityIds.contains(securityId)) {
                securityId++;
            }
            ObjectInstance security = account.securityInstance(securityId++, securityVersion11);
            ObjectInstance server = account.serverInstance(serverId++, serverVersion11);
            chain = chain
                    .thenCompose(r -> exchange(DownlinkRequest.write(security.path(), encoder.encode(security), encoder.contentFormat())))
                    .thenCompose(r -> exchange(DownlinkRequest.write(server.path(), encoder.encode(server), encoder.contentFormat())));
        }
        return chain;
    }

    /** Sends one request, records it, and fails the session on anything but a 2.xx answer. */
    private CompletableFuture<DownlinkResponse> exchange(DownlinkRequest request) {
        return exchange(request, false);
    }

    /** As {@link #exchange(DownlinkRequest)}; with {@code errorAnswerExpected}, a 4.xx answer is returned, not a failure. */
    private CompletableFuture<DownlinkResponse> exchange(DownlinkRequest request, boolean errorAnswerExpected) {
        if (ended.get()) {
            return CompletableFuture.failedFuture(new SessionFailure(BootstrapFailure.INTERNAL, "session already ended"));
        }
        Instant sentAt = clock.instant();
        return client.send(request).handle((response, error) -> {
            Integer millis = (int) Duration.between(sentAt, clock.instant()).toMillis();
            if (error != null) {
                Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
                steps.add(new SessionStep(request.operation().specName(), request.path(), null, truncate(cause.getMessage()), sentAt, millis));
                boolean unusable = cause instanceof UnusableAnswerException;
                throw new SessionFailure(unusable ? BootstrapFailure.UNUSABLE_ANSWER : BootstrapFailure.NO_ANSWER,
                        (unusable ? "unusable answer to " : "no answer to ") + request + ": " + cause.getMessage());
            }
            steps.add(new SessionStep(request.operation().specName(), request.path(), response.code(), null, sentAt, millis));
            // Deleting what is not there leaves the client as wanted: a 4.04 to Bootstrap-Delete is fine.
            boolean nothingToDelete = request.operation() == BootstrapOperation.DELETE && response.code().equals(ResponseCode.NOT_FOUND);
            boolean tolerated = errorAnswerExpected && response.code().isClientError();
            if (!response.isSuccess() && !nothingToDelete && !tolerated) {
                boolean rejected = request.operation() == BootstrapOperation.FINISH && response.code().equals(ResponseCode.NOT_ACCEPTABLE);
                throw new SessionFailure(rejected ? BootstrapFailure.CONFIGURATION_REJECTED : BootstrapFailure.CLIENT_ERROR,
                        "the client answered " + response.code() + " to " + request
                                + (rejected ? " (the client found the configuration inconsistent)" : ""));
            }
            return response;
        });
    }

    /** Ends the session from outside (deadline, superseded, shutdown); no-op if it already ended. */
    void abort(BootstrapFailure failure, String reason) {
        if (end(SessionOutcome.FAILED, failure, reason)) {
            client.cancel();
        }
    }

    private boolean end(SessionOutcome outcome, BootstrapFailure failure, String reason) {
        return end(outcome, failure, reason, List.of());
    }

    private boolean end(SessionOutcome outcome, BootstrapFailure failure, String reason, List<Long> delivered) {
        if (!ended.compareAndSet(false, true)) {
            return false;
        }
        Future<?> timer = deadline;
        if (timer != null) {
            timer.cancel(false);
        }
        try {
            List<SessionStep> recorded;
            synchronized (steps) {
                recorded = List.copyOf(steps);
            }
            recorder.finish(accepted.start(),
                    new SessionEnd(outcome, failure, reason, lwm2mVersion, recorded, learnedBootstrapAccount, clock.instant(),
                            delivered));
            if (outcome == SessionOutcome.SUCCEEDED) {
                // At a thousand sessions a second a line per success is noise; the history has them all.
                log.debug("Bootstrap session {} of {} SUCCEEDED", accepted.start().id(), endpoint());
            } else {
                log.info("Bootstrap session {} of {} {}: {}", accepted.start().id(), endpoint(), outcome, reason);
            }
        } catch (RuntimeException e) {
            log.error("Could not record the end of bootstrap session {}", accepted.start().id(), e);
        } finally {
            onEnd.ended(this, outcome, failure);
            client.sessionEnded();
        }
        return true;
    }

    private static String truncate(String s) {
        return s == null || s.length() <= 255 ? s : s.substring(0, 255);
    }

    /** A session step went wrong in a way the session record explains. */
    static final class SessionFailure extends RuntimeException {
        final BootstrapFailure failure;

        SessionFailure(BootstrapFailure failure, String message) {
            super(message, null, false, false);
            this.failure = failure;
        }
    }
}
