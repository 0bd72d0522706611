package io.lwm2m.provisioning.bootstrap.settings;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * {@code provisioning.events.*}: delivering the outbox's events to webhook subscriptions (decision 078).
 *
 * @param source          the CloudEvents {@code source} of every event (a URI reference naming this installation)
 * @param workers         deliveries in flight at once per replica (each to a different stream)
 * @param pollInterval    how often each replica looks for deliveries that are due (another replica's events, retries)
 * @param timeout         how long one delivery attempt waits for the receiver's answer
 * @param lease           how long a replica owns a delivery it attempts; a replica that dies leaves it to another after this
 * @param initialBackoff  the wait after a first failed attempt; each further failure doubles it
 * @param maxBackoff      the longest wait between two attempts
 * @param maxAttempts     attempts before a delivery is dead-lettered (and the next of its stream goes)
 * @param secretOverlap   after a subscription's secret is rotated, how long the previous one keeps signing too
 * @param retention       how long delivered and dead deliveries (and their events) are kept
 * @param interestRefresh how often a replica re-reads which event types any subscription wants
 * @param allowPlainHttp  whether a webhook may be a plain http URL to another machine (decision 091)
 */
@ConfigurationProperties("provisioning.events")
public record EventSettings(
        @DefaultValue("/lwm2m-provisioning") String source,
        @DefaultValue("4") int workers,
        @DefaultValue("1s") Duration pollInterval,
        @DefaultValue("10s") Duration timeout,
        @DefaultValue("60s") Duration lease,
        @DefaultValue("1s") Duration initialBackoff,
        @DefaultValue("1h") Duration maxBackoff,
        @DefaultValue("24") int maxAttempts,
        @DefaultValue("24h") Duration secretOverlap,
        @DefaultValue("7d") Duration retention,
        @DefaultValue(EventSettings.INTEREST_REFRESH) Duration interestRefresh,
        @DefaultValue("false") boolean allowPlainHttp) {

    /** The default of {@code interest-refresh}, which its {@code @Scheduled} placeholder also names: written once, here. */
    public static final String INTEREST_REFRESH = "5s";

    public EventSettings {
        if (source == null || source.isBlank()) {
            throw new IllegalArgumentException("provisioning.events.source must name this installation (a URI reference)");
        }
        if (workers < 1 || workers > 64) {
            throw new IllegalArgumentException("provisioning.events.workers must be 1..64, not " + workers);
        }
        if (maxAttempts < 1) {
            throw new IllegalArgumentException("provisioning.events.max-attempts must be at least 1, not " + maxAttempts);
        }
        Settings.positive("provisioning.events.poll-interval", pollInterval);
        Settings.positive("provisioning.events.timeout", timeout);
        Settings.positive("provisioning.events.lease", lease);
        Settings.positive("provisioning.events.initial-backoff", initialBackoff);
        Settings.positive("provisioning.events.max-backoff", maxBackoff);
        Settings.notNegative("provisioning.events.secret-overlap", secretOverlap);
        Settings.positive("provisioning.events.retention", retention);
        Settings.positive("provisioning.events.interest-refresh", interestRefresh);
        if (lease.compareTo(timeout) <= 0) {
            throw new IllegalArgumentException("provisioning.events.lease (" + lease + ") must be longer than"
                    + " provisioning.events.timeout (" + timeout + "): a delivery still waiting must not be taken by another replica");
        }
    }
}
