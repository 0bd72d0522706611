package io.lwm2m.provisioning.bootstrap.audit;

import io.lwm2m.provisioning.audit.AuditEvent;
import io.lwm2m.provisioning.audit.AuditSink;
import io.lwm2m.provisioning.persistence.AdvisoryLocks;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Transactional;

/**
 * The audit log: append-only (a trigger refuses UPDATE and DELETE) and hash-chained: each row's
 * hash covers its own fields and the previous row's hash, so an edited or removed row shows.
 * Events join the caller's transaction, so a change and its audit event commit together.
 */
@Component
public class AuditLog implements AuditSink {

    /** Serialises appends so that the chain has one order, across replicas too. */
    private static final long CHAIN_LOCK = 0x61756469744c6f67L; // "auditLog"

    @PersistenceContext
    private EntityManager em;

    private final Clock clock;

    AuditLog(Clock clock) {
        this.clock = clock;
    }

    @Override
    @Transactional
    public void record(AuditEvent event) {
        AdvisoryLocks.lock(em, CHAIN_LOCK);
        @SuppressWarnings("unchecked")
        List<byte[]> last = em.createNativeQuery("SELECT hash FROM audit_events ORDER BY id DESC LIMIT 1").getResultList();
        byte[] prevHash = last.isEmpty() ? null : last.get(0);
        // Microseconds: what PostgreSQL keeps, so the hash can be recomputed from the stored row.
        Instant now = clock.instant().truncatedTo(ChronoUnit.MICROS);
        String details = canonicalDetails(event.details());
        byte[] hash = hash(prevHash, now, event.actor(), event.role(), event.action(), event.target(),
                event.outcome().name(), event.sourceAddress(), event.requestId(), details);
        em.persist(new AuditEventRecord(now, event.actor(), event.role(), event.action(), event.target(),
                event.outcome().name(), event.sourceAddress(), event.requestId(), details, prevHash, hash));
    }

    /** Details as sorted {@code key=value} lines: one stable text for a map. */
    static String canonicalDetails(Map<String, String> details) {
        if (details.isEmpty()) {
            return null;
        }
        StringBuilder text = new StringBuilder();
        new TreeMap<>(details).forEach((k, v) -> text.append(k).append('=').append(v).append('\n'));
        return text.toString();
    }

    static byte[] hash(byte[] prevHash, Instant occurredAt, String... fields) {
        try {
            MessageDigest sha256 = MessageDigest.getInstance("SHA-256");
            ByteArrayOutputStream input = new ByteArrayOutputStream();
            writeField(input, prevHash == null ? new byte[0] : prevHash);
            writeField(input, occurredAt.toString().getBytes(StandardCharsets.UTF_8));
            for (String field : fields) {
                // Length-prefixed, with -1 for null, so no two different rows encode alike.
                writeField(input, field == null ? null : field.getBytes(StandardCharsets.UTF_8));
            }
            return sha256.digest(input.toByteArray());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void writeField(ByteArrayOutputStream out, byte[] field) {
        int length = field == null ? -1 : field.length;
        out.write(length >>> 24);
        out.write(length >>> 16);
        out.write(length >>> 8);
        out.write(length);
        if (field != null) {
            out.writeBytes(field);
        }
    }
}
