package io.lwm2m.provisioning.bootstrap.events;

import io.lwm2m.provisioning.crypto.SealedSecret;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/**
 * The deliveries of the outbox in PostgreSQL: claiming the head of a stream under a lease, recording
 * an attempt's outcome, and reading them back for the API. Plain SQL: these run on every delivery.
 */
@Component
class Deliveries {

    /**
     * The first due delivery whose stream has nothing undelivered before it, claimed for {@code lease}.
     * A stream's head is its PENDING delivery with the lowest event id (per subscription); a claimed
     * head holds the stream until it is delivered or dead, so a stream goes one delivery at a time,
     * in order, across replicas. SKIP LOCKED lets workers claim different heads at once; the
     * conditions on {@code d} are checked again against a row another worker changed meanwhile.
     */
    private static final String CLAIM = """
            WITH heads AS (
              SELECT DISTINCT ON (subscription_id, stream_key) id
              FROM event_deliveries WHERE state = 'PENDING'
              ORDER BY subscription_id, stream_key, event_id),
            due AS (
              SELECT d.id FROM event_deliveries d JOIN heads h ON h.id = d.id
              WHERE d.state = 'PENDING' AND d.next_attempt_at <= now() AND (d.lease_until IS NULL OR d.lease_until < now())
              ORDER BY d.next_attempt_at LIMIT 1
              FOR UPDATE OF d SKIP LOCKED),
            claimed AS (
              UPDATE event_deliveries d SET lease_owner = ?, lease_until = now() + make_interval(secs => ?)
              FROM due WHERE d.id = due.id
              RETURNING d.id, d.attempts, d.event_id, d.subscription_id)
            SELECT c.id, c.attempts, e.event_id, e.type, e.subject, e.data::text, e.occurred_at, s.name, s.url,
              s.secret_ciphertext, s.secret_wrapped_key, s.secret_kek_version,
              CASE WHEN s.previous_valid_until > now() THEN s.previous_ciphertext END,
              s.previous_wrapped_key, s.previous_kek_version
            FROM claimed c JOIN outbox_events e ON e.id = c.event_id JOIN event_subscriptions s ON s.id = c.subscription_id""";

    private final JdbcTemplate jdbc;

    Deliveries(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    /** A claimed delivery: the event, where it goes, and the sealed secrets that sign it. */
    record Claimed(long id, int attempts, UUID eventId, String type, String subject, String data, Instant occurredAt,
            String subscription, String url, SealedSecret secret, SealedSecret previousSecret) {
    }

    Optional<Claimed> claim(UUID owner, Duration lease) {
        List<Claimed> claimed = jdbc.query(CLAIM, Deliveries::claimed, owner, lease.toMillis() / 1000.0);
        return claimed.stream().findFirst();
    }

    private static Claimed claimed(ResultSet row, int n) throws SQLException {
        byte[] previous = row.getBytes(13);
        return new Claimed(row.getLong(1), row.getInt(2), row.getObject(3, UUID.class), row.getString(4), row.getString(5),
                row.getString(6), row.getTimestamp(7).toInstant(), row.getString(8), row.getString(9),
                new SealedSecret(row.getBytes(10), row.getBytes(11), row.getInt(12)),
                previous == null ? null : new SealedSecret(previous, row.getBytes(14), row.getInt(15)));
    }

    /** The receiver took it. */
    boolean delivered(long id, UUID owner, int status) {
        return jdbc.update("""
                UPDATE event_deliveries SET state = 'DELIVERED', attempts = attempts + 1, last_status = ?, last_error = NULL,
                  delivered_at = now(), ended_at = now(), lease_owner = NULL, lease_until = NULL
                WHERE id = ? AND lease_owner = ?""", status, id, owner) == 1;
    }

    /** An attempt failed: tried again after {@code backoff}, or dead when that was the last attempt ({@code backoff} null). */
    boolean failed(long id, UUID owner, Integer status, String error, Duration backoff) {
        String bounded = error == null ? null : error.substring(0, Math.min(500, error.length()));
        if (backoff == null) {
            return jdbc.update("""
                    UPDATE event_deliveries SET state = 'DEAD', attempts = attempts + 1, last_status = ?, last_error = ?,
                      ended_at = now(), lease_owner = NULL, lease_until = NULL
                    WHERE id = ? AND lease_owner = ?""", status, bounded, id, owner) == 1;
        }
        return jdbc.update("""
                UPDATE event_deliveries SET attempts = attempts + 1, last_status = ?, last_error = ?,
                  next_attempt_at = now() + make_interval(secs => ?), lease_owner = NULL, lease_until = NULL
                WHERE id = ? AND lease_owner = ?""", status, bounded, backoff.toMillis() / 1000.0, id, owner) == 1;
    }

    /** Gives back what this replica holds (it stops): another replica may attempt it at once. */
    void release(UUID owner) {
        jdbc.update("UPDATE event_deliveries SET lease_owner = NULL, lease_until = NULL WHERE lease_owner = ? AND state = 'PENDING'",
                owner);
    }

    /** How many deliveries wait, over all subscriptions. */
    long pending() {
        Long count = jdbc.queryForObject("SELECT count(*) FROM event_deliveries WHERE state = 'PENDING'", Long.class);
        return count == null ? 0 : count;
    }

    /** A subscription's deliveries in {@code state} (null: any), newest first, with ids below {@code beforeId}. */
    List<DeliveryView> page(long subscriptionId, String state, long beforeId, int limit) {
        return jdbc.query("""
                SELECT d.id, e.event_id, e.type, e.subject, d.state, d.attempts, d.next_attempt_at, d.last_status, d.last_error,
                  d.delivered_at, d.created_at
                FROM event_deliveries d JOIN outbox_events e ON e.id = d.event_id
                WHERE d.subscription_id = ? AND (?::text IS NULL OR d.state = ?) AND d.id < ?
                ORDER BY d.id DESC LIMIT ?""", Deliveries::view, subscriptionId, state, state, beforeId, limit);
    }

    private static DeliveryView view(ResultSet row, int n) throws SQLException {
        return new DeliveryView(row.getLong(1), row.getObject(2, UUID.class), row.getString(3), row.getString(4), row.getString(5),
                row.getInt(6), instant(row.getTimestamp(7)), row.getObject(8, Integer.class), row.getString(9),
                instant(row.getTimestamp(10)), instant(row.getTimestamp(11)));
    }

    private static Instant instant(Timestamp timestamp) {
        return timestamp == null ? null : timestamp.toInstant();
    }

    /** Counts of a subscription's deliveries by state. */
    java.util.Map<String, Long> counts(long subscriptionId) {
        java.util.Map<String, Long> counts = new java.util.TreeMap<>(java.util.Map.of("PENDING", 0L, "DELIVERED", 0L, "DEAD", 0L));
        jdbc.query("SELECT state, count(*) FROM event_deliveries WHERE subscription_id = ? GROUP BY state",
                (ResultSet row) -> {
                    counts.put(row.getString(1), row.getLong(2));
                }, subscriptionId);
        return counts;
    }

    /** A dead delivery goes again, from its first attempt; false when it is not dead. */
    boolean retry(long subscriptionId, long id) {
        return jdbc.update("""
                UPDATE event_deliveries SET state = 'PENDING', attempts = 0, next_attempt_at = now(), ended_at = NULL,
                  last_error = NULL
                WHERE id = ? AND subscription_id = ? AND state = 'DEAD'""", id, subscriptionId) == 1;
    }

    /** Removes deliveries ended before {@code before}, and events no delivery refers to any more. */
    int purge(Instant before) {
        int deliveries = jdbc.update("DELETE FROM event_deliveries WHERE state <> 'PENDING' AND ended_at < ?",
                Timestamp.from(before));
        jdbc.update("""
                DELETE FROM outbox_events e WHERE NOT EXISTS (SELECT 1 FROM event_deliveries d WHERE d.event_id = e.id)""");
        return deliveries;
    }
}
