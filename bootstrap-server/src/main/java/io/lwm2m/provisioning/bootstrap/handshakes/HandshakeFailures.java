package io.lwm2m.provisioning.bootstrap.handshakes;

import io.lwm2m.provisioning.threads.WorkerPools;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/**
 * Failed DTLS handshakes of known devices, kept per device and reason (a count, the first and last
 * time, the last peer and identity) so that support can tell a device with a wrong key from one
 * that never called. Failures are gathered in memory and written once a second, one row per device
 * and reason however often the device retries; a failure of no known device is only counted and
 * logged, so a flood of unknown identities writes nothing (ADR 020).
 */
@Component
public class HandshakeFailures implements DisposableBean {

    private static final Logger log = LoggerFactory.getLogger(HandshakeFailures.class);
    /** Device-reason pairs gathered between two writes at most; beyond it failures are only counted. */
    static final int MAX_PENDING = 10_000;

    private final JdbcTemplate jdbc;
    private final Clock clock;
    private final ScheduledExecutorService writer;
    /** Gathered on the DTLS threads under this object's lock, which a write never holds. */
    private Map<Key, Pending> pending = new HashMap<>();
    private Map<HandshakeFailureReason, Pending> unattributed = new HashMap<>();
    private final Object writing = new Object();
    private final AtomicLong dropped = new AtomicLong();

    HandshakeFailures(JdbcTemplate jdbc, Clock clock, WorkerPools pools) {
        this.jdbc = jdbc;
        this.clock = clock;
        this.writer = pools.timer("handshake-failures");
        writer.scheduleWithFixedDelay(this::flush, 1, 1, TimeUnit.SECONDS);
    }

    /**
     * Notes a failed handshake.
     *
     * @param deviceId the device the presented credential belongs to, or null when it names none
     * @param endpoint that device's endpoint, or null
     * @param peer     where the handshake came from
     * @param identity what the client presented (PSK identity, certificate subject), or null
     */
    public void record(Long deviceId, String endpoint, HandshakeFailureReason reason, String peer, String identity) {
        Instant now = clock.instant();
        String shown = printable(identity);
        synchronized (this) {
            if (deviceId == null) {
                unattributed.computeIfAbsent(reason, r -> new Pending(null, now)).add(now, peer, shown);
                return;
            }
            Key key = new Key(deviceId, reason);
            Pending entry = pending.get(key);
            if (entry == null) {
                if (pending.size() >= MAX_PENDING) {
                    dropped.incrementAndGet();
                    return;
                }
                entry = new Pending(endpoint, now);
                pending.put(key, entry);
            }
            entry.add(now, peer, shown);
        }
    }

    /** The failed handshakes of the device with this endpoint, the latest first. */
    public List<HandshakeFailure> forEndpoint(String endpoint) {
        flush();
        return jdbc.query("""
                SELECT f.reason, f.failures, f.first_at, f.last_at, f.last_peer, f.last_identity
                FROM handshake_failures f JOIN devices d ON d.id = f.device_id
                WHERE d.endpoint = ? ORDER BY f.last_at DESC""", (row, n) -> {
            HandshakeFailureReason reason = HandshakeFailureReason.valueOf(row.getString(1));
            return new HandshakeFailure(reason, row.getLong(2), row.getTimestamp(3).toInstant(), row.getTimestamp(4).toInstant(),
                    row.getString(5), row.getString(6));
        }, endpoint);
    }

    /**
     * Writes what was gathered: one statement per device and reason, in one batch. The DTLS threads
     * never wait for it: they gather into fresh maps meanwhile, and a failed write puts its rows back.
     */
    void flush() {
        synchronized (writing) {
            Map<Key, Pending> batch;
            Map<HandshakeFailureReason, Pending> unknown;
            synchronized (this) {
                batch = pending;
                unknown = unattributed;
                pending = new HashMap<>();
                unattributed = new HashMap<>();
            }
            unknown.forEach((reason, p) -> log.info("{} DTLS handshake(s) of no known device failed: {} (the last from {}, {})",
                    p.count, reason.description(), p.lastPeer, p.lastIdentity == null ? "no identity" : "identity " + p.lastIdentity));
            long lost = dropped.getAndSet(0);
            if (lost > 0) {
                log.warn("{} failed DTLS handshakes of known devices were not recorded: more than {} devices failed within a second",
                        lost, MAX_PENDING);
            }
            if (!batch.isEmpty()) {
                write(batch);
            }
        }
    }

    private void write(Map<Key, Pending> batch) {
        List<Object[]> rows = new ArrayList<>(batch.size());
        batch.forEach((key, p) -> rows.add(new Object[] {key.deviceId, key.reason.name(), p.count, Timestamp.from(p.firstAt),
                Timestamp.from(p.lastAt), p.lastPeer, p.lastIdentity}));
        try {
            jdbc.batchUpdate("""
                    INSERT INTO handshake_failures AS f (device_id, reason, failures, first_at, last_at, last_peer, last_identity)
                    VALUES (?, ?, ?, ?, ?, ?, ?)
                    ON CONFLICT (device_id, reason) DO UPDATE SET failures = f.failures + EXCLUDED.failures,
                      last_at = EXCLUDED.last_at, last_peer = EXCLUDED.last_peer, last_identity = EXCLUDED.last_identity""", rows);
            batch.forEach((key, p) -> log.info("DTLS handshake of device '{}' from {} failed{}: {} (identity {})", p.endpoint,
                    p.lastPeer, p.count > 1 ? " " + p.count + " times" : "", key.reason.description(), p.lastIdentity));
        } catch (RuntimeException e) {
            log.warn("Could not record {} failed DTLS handshakes yet, retrying: {}", rows.size(), e.getMessage());
            synchronized (this) {
                batch.forEach((key, p) -> {
                    Pending newer = pending.get(key);
                    if (newer != null) {
                        newer.mergeEarlier(p);
                    } else if (pending.size() < MAX_PENDING) {
                        pending.put(key, p);
                    } else {
                        dropped.addAndGet(p.count);
                    }
                });
            }
        }
    }

    /** What a peer chose to present, as one short log-safe line. */
    private static String printable(String identity) {
        if (identity == null) {
            return null;
        }
        String line = identity.replaceAll("\\p{Cntrl}", "?");
        return line.length() <= 250 ? line : line.substring(0, 250) + "...";
    }

    @Override
    public void destroy() {
        writer.shutdownNow();
        flush();
    }

    private record Key(long deviceId, HandshakeFailureReason reason) {
    }

    /** Failures of one device and reason since the last write. */
    private static final class Pending {
        final String endpoint;
        Instant firstAt;
        Instant lastAt;
        String lastPeer;
        String lastIdentity;
        long count;

        Pending(String endpoint, Instant firstAt) {
            this.endpoint = endpoint;
            this.firstAt = firstAt;
        }

        void add(Instant at, String peer, String identity) {
            count++;
            lastAt = at;
            lastPeer = peer;
            lastIdentity = identity;
        }

        /** Takes in failures gathered before these (a write that failed). */
        void mergeEarlier(Pending earlier) {
            count += earlier.count;
            firstAt = earlier.firstAt;
        }
    }

    /**
     * A device's failed handshakes of one reason.
     *
     * @param failures how many, since the first
     */
    public record HandshakeFailure(HandshakeFailureReason reason, long failures, Instant firstAt, Instant lastAt,
            String lastPeer, String lastIdentity) {
    }
}
