package io.lwm2m.provisioning.bootstrap.events;

import io.lwm2m.provisioning.audit.Actor;
import io.lwm2m.provisioning.audit.AuditEvent;
import io.lwm2m.provisioning.audit.AuditSink;
import io.lwm2m.provisioning.bootstrap.settings.EventSettings;
import io.lwm2m.provisioning.crypto.SecretCipher;
import io.lwm2m.provisioning.errors.ConflictException;
import io.lwm2m.provisioning.errors.FieldProblems;
import io.lwm2m.provisioning.errors.NotFoundException;
import io.lwm2m.provisioning.events.EventTypes;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;

/**
 * Webhook subscriptions to the outbox's events (issue 17): created with a signing secret that is
 * shown once, rotated with an overlap during which both secrets sign, and their deliveries, dead
 * ones included, read back and retried.
 */
@Service
public class EventSubscriptions {

    private final EventSubscriptionRepository subscriptions;
    private final Deliveries deliveries;
    private final EventInterest interest;
    private final EventDispatcher dispatcher;
    private final SecretCipher cipher;
    private final SecureRandom random;
    private final AuditSink audit;
    private final EventSettings settings;
    private final WebhookUrls webhookUrls;
    private final Clock clock;

    EventSubscriptions(EventSubscriptionRepository subscriptions, Deliveries deliveries, EventInterest interest,
            EventDispatcher dispatcher, SecretCipher cipher, SecureRandom random, AuditSink audit, EventSettings settings,
            WebhookUrls webhookUrls, Clock clock) {
        this.subscriptions = subscriptions;
        this.deliveries = deliveries;
        this.interest = interest;
        this.dispatcher = dispatcher;
        this.cipher = cipher;
        this.random = random;
        this.audit = audit;
        this.settings = settings;
        this.webhookUrls = webhookUrls;
        this.clock = clock;
    }

    /** A subscription and, only in the answer that created or rotated it, its signing secret ({@code whsec_…}). */
    public record WithSecret(EventSubscription subscription, String secret) {
    }

    @Transactional
    public WithSecret create(SubscriptionSpec spec, Actor actor) {
        webhookUrls.check(spec.url(), "url", spec.check(new FieldProblems())).throwIfAny();
        return create(spec, null, actor);
    }

    /**
     * The subscription a DM server's {@code rotationWebhookUrl} stands for (decision 078): its
     * {@code credential.rotated} events, named {@code dm-server:<name>} and managed with the server.
     */
    @Transactional
    public WithSecret createForDmServer(String server, String url, Actor actor) {
        SubscriptionSpec spec = new SubscriptionSpec("dm-server:" + server, url, List.of(EventTypes.CREDENTIAL_ROTATED), server,
                EventSubscription.State.ENABLED);
        webhookUrls.check(url, "rotationWebhookUrl", new FieldProblems()).throwIfAny();
        return create(spec, "dm-server:" + server, actor);
    }

    private WithSecret create(SubscriptionSpec spec, String managedBy, Actor actor) {
        if (subscriptions.findByName(spec.name()).isPresent()) {
            throw new ConflictException("name", "a subscription named '" + spec.name() + "' already exists");
        }
        byte[] key = SigningSecret.generateKey(random);
        try {
            Instant now = clock.instant();
            EventSubscription created = subscriptions.saveAndFlush(new EventSubscription(spec,
                    new SigningKeys(cipher.seal(key, EventSubscription.secretContext(spec.name()))), managedBy, now));
            audit.record(actor.event("event-subscription.create", target(created), AuditEvent.Outcome.SUCCESS, Map.of(
                    "url", created.url(), "types", String.join(",", created.types()),
                    "dmServer", created.dmServer() == null ? "" : created.dmServer(), "secret", "generated")));
            changed();
            return new WithSecret(created, SigningSecret.text(key));
        } finally {
            Arrays.fill(key, (byte) 0);
        }
    }

    @Transactional
    public EventSubscription update(String name, SubscriptionSpec spec, Actor actor) {
        EventSubscription subscription = find(name);
        FieldProblems problems = webhookUrls.check(spec.url(), "url", spec.check(new FieldProblems()));
        if (!name.equals(spec.name())) {
            problems.add("name", "cannot change (it is '" + name + "')");
        }
        problems.throwIfAny();
        subscription.change(spec, clock.instant());
        audit.record(actor.event("event-subscription.update", target(subscription), AuditEvent.Outcome.SUCCESS, Map.of(
                "url", spec.url(), "types", String.join(",", spec.types()), "state", spec.state().name())));
        changed();
        return subscription;
    }

    /** A new signing secret, shown once; the previous one keeps signing for {@code provisioning.events.secret-overlap}. */
    @Transactional
    public WithSecret rotateSecret(String name, Actor actor) {
        EventSubscription subscription = find(name);
        byte[] key = SigningSecret.generateKey(random);
        try {
            Instant now = clock.instant();
            subscription.keys().rotate(cipher.seal(key, subscription.secretContext()), now.plus(settings.secretOverlap()));
            subscription.touched(now);
            audit.record(actor.event("event-subscription.rotate-secret", target(subscription), AuditEvent.Outcome.SUCCESS,
                    Map.of("previousValidUntil", now.plus(settings.secretOverlap()).toString())));
            return new WithSecret(subscription, SigningSecret.text(key));
        } finally {
            Arrays.fill(key, (byte) 0);
        }
    }

    /** Removes the subscription and its deliveries, pending and dead ones included. */
    @Transactional
    public void delete(String name, Actor actor) {
        EventSubscription subscription = find(name);
        subscriptions.delete(subscription);
        audit.record(actor.event("event-subscription.delete", target(subscription), AuditEvent.Outcome.SUCCESS, Map.of()));
        changed();
    }

    @Transactional(readOnly = true)
    public EventSubscription get(String name) {
        return find(name);
    }

    @Transactional(readOnly = true)
    public List<EventSubscription> list() {
        return subscriptions.findAllByOrderByNameAsc();
    }

    /** Counts of the subscription's deliveries: PENDING, DELIVERED, DEAD. */
    @Transactional(readOnly = true)
    public Map<String, Long> counts(String name) {
        return deliveries.counts(find(name).id());
    }

    /** The subscription's deliveries in {@code state} (null: all), newest first, below {@code beforeId}. */
    @Transactional(readOnly = true)
    public List<DeliveryView> deliveries(String name, String state, long beforeId, int limit) {
        return deliveries.page(find(name).id(), state, beforeId, limit);
    }

    /** A dead delivery goes again from its first attempt (and holds its stream until it is delivered or dead again). */
    @Transactional
    public void retry(String name, long deliveryId, Actor actor) {
        EventSubscription subscription = find(name);
        if (!deliveries.retry(subscription.id(), deliveryId)) {
            throw new NotFoundException("subscription '" + name + "' has no dead delivery " + deliveryId);
        }
        audit.record(actor.event("event-subscription.retry", target(subscription), AuditEvent.Outcome.SUCCESS,
                Map.of("delivery", Long.toString(deliveryId))));
        afterCommit(dispatcher::wake);
    }

    private EventSubscription find(String name) {
        return subscriptions.findByName(name).orElseThrow(() -> new NotFoundException("no event subscription named '" + name + "'"));
    }

    private static String target(EventSubscription subscription) {
        return "event-subscription:" + subscription.name();
    }

    /** What subscriptions want changed: this replica knows at once after the commit, the others within the refresh. */
    private void changed() {
        afterCommit(interest::refresh);
    }

    private static void afterCommit(Runnable action) {
        TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {
            @Override
            public void afterCommit() {
                try {
                    action.run();
                } catch (RuntimeException e) {
                    // The scheduled refresh and the poll catch up.
                }
            }
        });
    }
}
