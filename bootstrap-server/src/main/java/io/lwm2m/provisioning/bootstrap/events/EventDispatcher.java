package io.lwm2m.provisioning.bootstrap.events;

import io.lwm2m.provisioning.bootstrap.settings.EventSettings;
import io.lwm2m.provisioning.crypto.SecretCipher;
import io.lwm2m.provisioning.logging.ThrottledLog;
import io.lwm2m.provisioning.threads.WorkerPools;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

/**
 * Delivers the outbox (decision 078): {@code provisioning.events.workers} threads per replica each
 * claim the head of a stream that is due, POST it as a signed CloudEvent, and record the outcome: a
 * 2xx delivers it; anything else is tried again after an exponential backoff, and dead after
 * {@code max-attempts} (then the next of its stream goes). A replica that dies holding a delivery
 * loses nothing: its lease runs out and another replica (or this one, restarted) attempts it again,
 * so a receiver may see an event twice and de-duplicates by its id. Woken at once by commits on this
 * replica; polls for the rest.
 */
@Component
public class EventDispatcher implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(EventDispatcher.class);

    private final Deliveries deliveries;
    private final SignedWebhook webhook;
    private final SecretCipher cipher;
    private final EventSettings settings;
    private final WorkerPools pools;
    private final ObjectProvider<DeliveryListener> listeners;
    private final UUID owner = UUID.randomUUID();
    private final Object signal = new Object();
    private final AtomicInteger active = new AtomicInteger();
    private final ThrottledLog failures = new ThrottledLog(log, Duration.ofSeconds(30));
    private long wakes; // guarded by signal
    private volatile boolean running;

    EventDispatcher(Deliveries deliveries, SignedWebhook webhook, SecretCipher cipher, EventSettings settings, WorkerPools pools,
            ObjectProvider<DeliveryListener> listeners) {
        this.deliveries = deliveries;
        this.webhook = webhook;
        this.cipher = cipher;
        this.settings = settings;
        this.pools = pools;
        this.listeners = listeners;
    }

    @Override
    public void start() {
        running = true;
        WorkerPools.WorkerPool pool = pools.workers("event-delivery", settings.workers());
        for (int i = 0; i < settings.workers(); i++) {
            active.incrementAndGet();
            pool.execute(this::work);
        }
    }

    /** Something was committed here: workers waiting for work look again now. */
    public void wake() {
        synchronized (signal) {
            wakes++;
            signal.notifyAll();
        }
    }

    private void work() {
        try {
            while (running) {
                long seen;
                synchronized (signal) {
                    seen = wakes;
                }
                if (!deliverOne()) {
                    await(seen);
                }
            }
        } finally {
            active.decrementAndGet();
        }
    }

    /** Claims and delivers one delivery; false when none was due (or the database is away). */
    private boolean deliverOne() {
        Optional<Deliveries.Claimed> claimed;
        try {
            claimed = deliveries.claim(owner, settings.lease());
        } catch (RuntimeException e) {
            failures.warn("Could not claim an event delivery (is the database available?); trying again", e);
            return false;
        }
        claimed.ifPresent(this::deliver);
        return claimed.isPresent();
    }

    private void await(long seen) {
        synchronized (signal) {
            if (wakes == seen && running) {
                try {
                    signal.wait(settings.pollInterval().toMillis());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    running = false;
                }
            }
        }
    }

    private void deliver(Deliveries.Claimed delivery) {
        long started = System.nanoTime();
        SignedWebhook.Answer answer;
        try {
            answer = webhook.post(URI.create(delivery.url()), delivery.eventId().toString(), CloudEvents.CONTENT_TYPE,
                    CloudEvents.body(delivery, settings.source()), keys(delivery), settings.timeout());
        } catch (RuntimeException e) {
            answer = new SignedWebhook.Answer(0, null, "could not be sent (" + e.getClass().getSimpleName() + ")");
        }
        Duration took = Duration.ofNanos(System.nanoTime() - started);
        String outcome;
        try {
            outcome = record(delivery, answer);
        } catch (RuntimeException e) {
            // The lease runs out and the delivery is attempted again: at least once, never lost.
            failures.warn("Could not record the outcome of delivery " + delivery.id() + "; it will be attempted again", e);
            return;
        }
        listeners.forEach(l -> l.attempted(outcome, took));
    }

    private String record(Deliveries.Claimed delivery, SignedWebhook.Answer answer) {
        Integer status = answer.status() == 0 ? null : answer.status();
        if (answer.ok()) {
            deliveries.delivered(delivery.id(), owner, answer.status());
            return "delivered";
        }
        int attempt = delivery.attempts() + 1;
        if (attempt >= settings.maxAttempts()) {
            deliveries.failed(delivery.id(), owner, status, answer.problem(), null);
            log.warn("Event {} to subscription {} is dead after {} attempts: {}", delivery.eventId(), delivery.subscription(),
                    attempt, answer.problem());
            return "dead";
        }
        deliveries.failed(delivery.id(), owner, status, answer.problem(), backoff(attempt));
        return "failed";
    }

    /** The wait after the {@code attempt}-th failure: doubling from the initial backoff up to the maximum, with 10 % jitter. */
    Duration backoff(int attempt) {
        double base = settings.initialBackoff().toMillis() * Math.pow(2, Math.min(attempt - 1, 40));
        double capped = Math.min(base, settings.maxBackoff().toMillis());
        return Duration.ofMillis((long) (capped * (0.9 + 0.1 * ThreadLocalRandom.current().nextDouble())));
    }

    private List<byte[]> keys(Deliveries.Claimed delivery) {
        String context = EventSubscription.secretContext(delivery.subscription());
        List<byte[]> keys = new ArrayList<>();
        keys.add(cipher.open(delivery.secret(), context));
        if (delivery.previousSecret() != null) {
            keys.add(cipher.open(delivery.previousSecret(), context));
        }
        return keys;
    }

    /** How many deliveries wait, over all subscriptions and replicas. */
    public long backlog() {
        return deliveries.pending();
    }

    @Override
    public void stop() {
        running = false;
        wake();
        long deadline = System.nanoTime() + settings.timeout().plusSeconds(2).toNanos();
        while (active.get() > 0 && System.nanoTime() < deadline) {
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        try {
            deliveries.release(owner);
        } catch (RuntimeException e) {
            log.debug("Could not give back this replica's event deliveries; their leases run out instead", e);
        }
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    /** Stops before the worker pools (phase 0), whose threads it runs on, and after the servers. */
    @Override
    public int getPhase() {
        return 1;
    }
}
