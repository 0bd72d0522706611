package io.lwm2m.provisioning.bootstrap.credentials;

import io.lwm2m.provisioning.bootstrap.sessions.CredentialDelivery;
import io.lwm2m.provisioning.audit.Actor;
import io.lwm2m.provisioning.audit.AuditEvent;
import io.lwm2m.provisioning.audit.AuditSink;
import io.lwm2m.provisioning.certificates.CertificateAuthorityService;
import io.lwm2m.provisioning.certificates.IssuedCertificate;
import io.lwm2m.provisioning.errors.NotFoundException;
import io.lwm2m.provisioning.events.EventSink;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import io.lwm2m.provisioning.bootstrap.settings.CredentialSettings;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * The life of a credential after it was created: a pending (rotated) credential becomes active
 * once proven in use, and the one it replaces retires (its certificate revoked as superseded);
 * revocation ends a credential at once and drops the connections standing on it. Each change holds
 * the device's row first and reads its credentials as committed then (decision 094), so a revocation
 * and a promotion of the same credential cannot write over each other.
 */
@Service
public class CredentialLifecycle implements CredentialDelivery {

    private static final Logger log = LoggerFactory.getLogger(CredentialLifecycle.class);
    /** CRLReason superseded (RFC 5280). */
    public static final int SUPERSEDED = 4;

    private static final long GRACE_LOCK = 0x67726163654cL; // "graceL"

    @jakarta.persistence.PersistenceContext
    private jakarta.persistence.EntityManager em;

    private final DeviceCredentialRepository credentials;
    private final CertificateAuthorityService ca;
    private final AuditSink audit;
    private final EventSink outbox;
    private final ApplicationEventPublisher events;
    private final Clock clock;
    private final Duration gracePeriod;

    CredentialLifecycle(DeviceCredentialRepository credentials, CertificateAuthorityService ca, AuditSink audit,
            EventSink outbox, ApplicationEventPublisher events, Clock clock, CredentialSettings settings) {
        this.credentials = credentials;
        this.ca = ca;
        this.audit = audit;
        this.outbox = outbox;
        this.events = events;
        this.clock = clock;
        this.gracePeriod = settings.rotationGracePeriod();
    }

    /**
     * The device authenticated with {@code credentialId}. If that is a pending bootstrap credential,
     * this is the proof that the device holds it: it becomes active and the old one retires.
     */
    @Transactional
    @Override
    public void authenticatedWith(long credentialId) {
        credentials.findById(credentialId).map(this::held).filter(c -> c.status() == CredentialStatus.PENDING)
                .ifPresent(pending -> promote(pending, Actor.SYSTEM, "first authentication with the new credential"));
    }

    /** The DM server side confirms it sees the device use this pending credential. */
    @Transactional
    public DeviceCredential confirm(long credentialId, String endpoint, Actor actor) {
        DeviceCredential pending = credentials.findById(credentialId)
                .filter(c -> c.device().endpoint().equals(endpoint))
                .map(this::held)
                .orElseThrow(() -> new NotFoundException("device '" + endpoint + "' has no credential " + credentialId));
        if (pending.status() != CredentialStatus.PENDING) {
            throw new io.lwm2m.provisioning.errors.ConflictException("status",
                    "credential " + credentialId + " is " + pending.status() + ", not PENDING");
        }
        promote(pending, actor, "confirmed by " + actor.name());
        return pending;
    }

    /** Pending DM-server credentials whose grace period after delivery is over become active. */
    @Scheduled(fixedDelayString = "${provisioning.credentials.rotation-check-interval:" + CredentialSettings.ROTATION_CHECK_INTERVAL + "}")
    @Transactional
    public void promoteAfterGracePeriod() {
        // One replica does the work; the others skip this round.
        if (!io.lwm2m.provisioning.persistence.AdvisoryLocks.tryLock(em, GRACE_LOCK)) {
            return;
        }
        for (DeviceCredential pending : stillLive(credentials.findPendingDeliveredBefore(clock.instant().minus(gracePeriod)))) {
            if (pending.status() == CredentialStatus.PENDING) {
                promote(pending, Actor.SYSTEM, "grace period of " + gracePeriod + " after delivery passed");
            }
        }
    }

    /** Activates {@code pending}, which its caller {@link #held} and found still PENDING. */
    private void promote(DeviceCredential pending, Actor actor, String why) {
        Instant now = clock.instant();
        List<DeviceCredential> live = liveNow(credentials.findLive(pending.device().id(), pending.channel(),
                pending.server() == null ? null : pending.server().id()));
        for (DeviceCredential old : live) {
            if (!old.id().equals(pending.id())) {
                end(old, CredentialStatus.RETIRED, SUPERSEDED, now);
            }
        }
        pending.activate();
        audit.record(actor.event("credential.activate", "device:" + pending.device().endpoint(),
                AuditEvent.Outcome.SUCCESS, Map.of("credentialId", pending.id().toString(),
                        "channel", pending.channel().name(), "server", serverName(pending), "reason", why)));
        outbox.publish(CredentialEvents.confirmed(pending.device().endpoint(), pending, nullIfEmpty(serverName(pending)), why));
        log.info("Credential {} of {} is now active ({})", pending.id(), pending.device().endpoint(), why);
    }

    /**
     * The first certificate (EST) of a mode-4 credential that had none. False, and nothing stored, if
     * the credential ended before the device was held (decision 094); a renewal if another enrollment
     * stored the first meanwhile.
     */
    @Transactional
    public boolean enrolled(DeviceCredential waiting, java.security.cert.X509Certificate certificate) {
        if (!held(waiting).status().authenticates()) {
            return false;
        }
        if (waiting.certificateSerial() != null) {
            // Another enrollment of the device stored its certificate first: this one follows as a renewal.
            return reenrolled(waiting, certificate).isPresent();
        }
        waiting.enrolled(certificate);
        return true;
    }

    /**
     * A re-enrollment (EST) issued {@code certificate} for the device's mode-4 credential of
     * {@code current}'s server: it becomes a PENDING credential beside the active one, delivered
     * now, so it takes over like any rotation (first use, confirmation, or the grace period). An
     * earlier pending certificate nobody used yet is retired (revoked as superseded). Empty, and nothing
     * stored, if {@code current} ended before the device was held (decision 094).
     */
    @Transactional
    public Optional<DeviceCredential> reenrolled(DeviceCredential current, java.security.cert.X509Certificate certificate) {
        Instant now = clock.instant();
        List<DeviceCredential> live = stillLive(credentials.findLive(current.device().id(), current.channel(),
                current.server().id()));
        if (live.stream().noneMatch(c -> c.id().equals(current.id()))) {
            return Optional.empty(); // revoked (or retired) while the device re-enrolled: that change stands
        }
        for (DeviceCredential c : live) {
            if (c.status() == CredentialStatus.PENDING) {
                end(c, CredentialStatus.RETIRED, SUPERSEDED, now);
            }
        }
        DeviceCredential pending = credentials.save(DeviceCredential.of(current.device(), current.server(),
                new NewCredential(current.mode(), null, null, null, certificate), null, CredentialStatus.PENDING, now));
        pending.delivered(now);
        return Optional.of(pending);
    }

    /**
     * Revokes these credentials of a device (one channel's, or all its live ones), those of them still
     * live once the device is held, and returns those.
     */
    @Transactional
    public List<DeviceCredential> revoke(List<DeviceCredential> found, int reasonCode, Actor actor) {
        Instant now = clock.instant();
        List<DeviceCredential> live = stillLive(found);
        for (DeviceCredential c : live) {
            end(c, CredentialStatus.REVOKED, reasonCode, now);
            audit.record(actor.event("credential.revoke", "device:" + c.device().endpoint(), AuditEvent.Outcome.SUCCESS,
                    Map.of("credentialId", c.id().toString(), "channel", c.channel().name(), "server", serverName(c),
                            "reason", Integer.toString(reasonCode))));
            outbox.publish(CredentialEvents.revoked(c.device().endpoint(), c, nullIfEmpty(serverName(c)), reasonCode, actor.name()));
        }
        return live;
    }

    /** Revokes a certificate by serial, and the device credential holding it. */
    @Transactional
    public IssuedCertificate revokeCertificate(String serial, int reasonCode, Actor actor) {
        // The holder's device first, the certificate's revocation (audited) after, as stillLive explains.
        Optional<DeviceCredential> holder = credentials
                .findByCertificateSerial(CertificateAuthorityService.normalise(serial)).map(this::held);
        IssuedCertificate certificate = ca.revoke(serial, reasonCode, actor);
        holder.filter(c -> c.status().authenticates())
                .ifPresent(c -> {
                    end(c, CredentialStatus.REVOKED, reasonCode, clock.instant());
                    audit.record(actor.event("credential.revoke", "device:" + c.device().endpoint(),
                            AuditEvent.Outcome.SUCCESS, Map.of("credentialId", c.id().toString(),
                                    "certificate", certificate.serial(), "reason", Integer.toString(reasonCode))));
                    outbox.publish(CredentialEvents.revoked(c.device().endpoint(), c, nullIfEmpty(serverName(c)), reasonCode,
                            actor.name()));
                });
        return certificate;
    }

    /**
     * {@code credential} as committed now, with its device held until the transaction ends: where every
     * change of a credential's status starts, so that it sees the change committed before it.
     */
    private DeviceCredential held(DeviceCredential credential) {
        credentials.holdDevice(credential.device().id());
        em.refresh(credential);
        return credential;
    }

    /**
     * Those of {@code found} that are live as committed now, their devices held. The devices are held in
     * their ids' order and before anything is audited (an audit record locks the audit chain until the
     * commit): so two changes that hold several devices, or one that holds the chain, never wait for
     * each other in a circle.
     */
    private List<DeviceCredential> stillLive(List<DeviceCredential> found) {
        found.stream().map(c -> c.device().id()).distinct().sorted().forEach(credentials::holdDevice);
        return liveNow(found);
    }

    /** Those of {@code found} that are live as committed now, their devices already held by the caller. */
    private List<DeviceCredential> liveNow(List<DeviceCredential> found) {
        List<DeviceCredential> live = new ArrayList<>(found.size());
        for (DeviceCredential c : found) {
            em.refresh(c);
            if (c.status().authenticates()) {
                live.add(c);
            }
        }
        return live;
    }

    private void end(DeviceCredential credential, CredentialStatus status, int reasonCode, Instant now) {
        credential.end(status, now);
        if (credential.certificateSerial() != null) {
            ca.revoke(credential.certificateSerial(), reasonCode, Actor.SYSTEM);
        }
        events.publishEvent(new CredentialEnded(credential.id(), credential.channel(), credential.device().endpoint()));
    }

    private static String serverName(DeviceCredential c) {
        return c.server() == null ? "" : c.server().name();
    }

    private static String nullIfEmpty(String s) {
        return s.isEmpty() ? null : s;
    }
}
