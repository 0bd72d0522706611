package io.lwm2m.provisioning.bootstrap.audit;

import io.lwm2m.provisioning.audit.AuditEvent;
import io.lwm2m.provisioning.audit.AuditSink;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.springframework.jdbc.core.ConnectionCallback;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Transactional;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;

/**
 * The audit log: append-only (a trigger refuses UPDATE and DELETE) and hash-chained: each row's
 * hash covers its own fields and the previous row's hash, so an edited or removed row shows.
 * Events join the caller's transaction, so a change and its audit event commit together: a
 * transaction's rows are inserted just before its commit (decision 085), so nothing reads the audit
 * log in the transaction that writes to it.
 */
@Component
public class AuditLog implements AuditSink {

    /**
     * Serialises appends so that the chain has one order, across replicas too. The event outbox takes
     * it as well (decision 078), after the audit record of the same transaction, so that events are
     * numbered in the order their changes commit.
     */
    public static final long CHAIN_LOCK = 0x61756469744c6f67L; // "auditLog"
    private static final int VERIFY_BATCH = 1000;
    private static final String LOCK_AND_READ_HEAD =
            "SELECT pg_advisory_xact_lock(?); SELECT hash FROM audit_events ORDER BY id DESC LIMIT 1";
    private static final String INSERT = "INSERT INTO audit_events (occurred_at, actor, role, action, target, outcome, "
            + "source_address, request_id, details, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";

    @PersistenceContext
    private EntityManager em;

    private final JdbcTemplate jdbc;
    private final Clock clock;

    AuditLog(JdbcTemplate jdbc, Clock clock) {
        this.jdbc = jdbc;
        this.clock = clock;
    }

    @Override
    @Transactional
    public void record(AuditEvent event) {
        Appends appends = Appends.ofThisTransaction();
        byte[] prevHash;
        if (appends != null) {
            prevHash = appends.head;
        } else {
            // What the transaction changed goes out first: from the lock to the commit the chain is this
            // transaction's alone, so that stretch holds only the appends.
            em.flush();
            prevHash = jdbc.execute((ConnectionCallback<byte[]>) AuditLog::lockAndReadHead);
        }
        // Microseconds: what PostgreSQL keeps, so the hash can be recomputed from the stored row.
        Instant now = clock.instant().truncatedTo(ChronoUnit.MICROS);
        String details = canonicalDetails(event.details());
        byte[] hash = hash(prevHash, now, event.actor(), event.role(), event.action(), event.target(),
                event.outcome().name(), event.sourceAddress(), event.requestId(), details);
        Row row = new Row(now, event, details, prevHash, hash);
        if (appends != null) {
            appends.add(row);
        } else {
            // This method is transactional, so its transaction (or the caller's) has synchronizations.
            TransactionSynchronizationManager.registerSynchronization(new Appends(jdbc, row));
        }
    }

    /** One audit row as {@link #INSERT} takes it. */
    private record Row(Instant occurredAt, AuditEvent event, String details, byte[] prevHash, byte[] hash) {

        void bind(PreparedStatement statement) throws SQLException {
            statement.setObject(1, OffsetDateTime.ofInstant(occurredAt, ZoneOffset.UTC));
            statement.setString(2, event.actor());
            statement.setString(3, event.role());
            statement.setString(4, event.action());
            statement.setString(5, event.target());
            statement.setString(6, event.outcome().name());
            statement.setString(7, event.sourceAddress());
            statement.setString(8, event.requestId());
            statement.setString(9, details);
            statement.setBytes(10, prevHash);
            statement.setBytes(11, hash);
        }
    }

    /**
     * This transaction's audit rows, inserted as one batch just before its commit, and the hash of the
     * last: the transaction holds the chain's lock from its first append to the commit, so its later
     * appends follow its own last row without asking again. A transaction suspended for another
     * ({@code REQUIRES_NEW}) takes its synchronizations, this one among them, along. Nothing here rolls
     * back to a savepoint, and nothing reads the audit log in the transaction that writes to it.
     */
    private static final class Appends implements TransactionSynchronization {

        private final JdbcTemplate jdbc;
        private final List<Row> rows = new java.util.ArrayList<>();
        private byte[] head;

        private Appends(JdbcTemplate jdbc, Row first) {
            this.jdbc = jdbc;
            add(first);
        }

        static Appends ofThisTransaction() {
            for (TransactionSynchronization synchronization : TransactionSynchronizationManager.getSynchronizations()) {
                if (synchronization instanceof Appends appends) {
                    return appends;
                }
            }
            return null;
        }

        void add(Row row) {
            rows.add(row);
            head = row.hash();
        }

        @Override
        public void beforeCommit(boolean readOnly) {
            jdbc.batchUpdate(INSERT, rows, rows.size(), (statement, row) -> row.bind(statement));
        }
    }

    /**
     * Takes the chain's lock and reads the last row's hash in one round trip. The second statement
     * runs after the first has the lock, so under READ COMMITTED its snapshot sees every row
     * committed by whoever held the lock before.
     */
    private static byte[] lockAndReadHead(Connection connection) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(LOCK_AND_READ_HEAD)) {
            statement.setLong(1, CHAIN_LOCK);
            statement.execute();
            if (!statement.getMoreResults()) {
                throw new IllegalStateException("the chain's head was not returned");
            }
            try (ResultSet head = statement.getResultSet()) {
                return head.next() ? head.getBytes(1) : null;
            }
        }
    }

    /**
     * Events matching {@code query}, newest first, with ids below {@code beforeId} (a page's cursor;
     * {@link Long#MAX_VALUE} for the newest).
     */
    @Transactional(readOnly = true)
    public List<AuditEventRecord> search(AuditQuery query, long beforeId, int limit) {
        StringBuilder jpql = new StringBuilder("select e from AuditEventRecord e where e.id < :beforeId");
        Map<String, Object> parameters = new java.util.HashMap<>();
        parameters.put("beforeId", beforeId);
        if (query.actor() != null) {
            jpql.append(" and e.actor = :actor");
            parameters.put("actor", query.actor());
        }
        if (query.action() != null && query.action().endsWith("*")) {
            jpql.append(" and e.action like :action escape '!'");
            parameters.put("action", query.action().substring(0, query.action().length() - 1)
                    .replace("!", "!!").replace("%", "!%").replace("_", "!_") + "%");
        } else if (query.action() != null) {
            jpql.append(" and e.action = :action");
            parameters.put("action", query.action());
        }
        if (query.target() != null) {
            jpql.append(" and e.target = :target");
            parameters.put("target", query.target());
        }
        if (query.outcome() != null) {
            jpql.append(" and e.outcome = :outcome");
            parameters.put("outcome", query.outcome());
        }
        if (query.from() != null) {
            jpql.append(" and e.occurredAt >= :from");
            parameters.put("from", query.from());
        }
        if (query.to() != null) {
            jpql.append(" and e.occurredAt < :to");
            parameters.put("to", query.to());
        }
        jpql.append(" order by e.id desc");
        var typed = em.createQuery(jpql.toString(), AuditEventRecord.class).setMaxResults(limit);
        parameters.forEach(typed::setParameter);
        return typed.getResultList();
    }

    /**
     * Walks the chain from the first row in id order, a batch at a time, recomputing each row's hash
     * from its stored fields and its predecessor's hash; stops at the first row that does not match
     * (an edited row fails its own hash, a removed one breaks its successor's link).
     */
    @Transactional(readOnly = true)
    public ChainVerification verify() {
        byte[] previous = null;
        long checked = 0;
        long after = 0;
        Long lastId = null;
        while (true) {
            List<AuditEventRecord> batch = em.createQuery(
                            "select e from AuditEventRecord e where e.id > :after order by e.id", AuditEventRecord.class)
                    .setParameter("after", after).setMaxResults(VERIFY_BATCH).getResultList();
            for (AuditEventRecord row : batch) {
                checked++;
                if (!java.util.Arrays.equals(row.prevHash(), previous)) {
                    return new ChainVerification(false, checked, row.id(), "its previous-hash does not match the hash of the "
                            + "row before it (a row before it was removed, inserted or edited)", lastId, hex(previous));
                }
                if (!java.security.MessageDigest.isEqual(row.recomputeHash(previous), row.hash())) {
                    return new ChainVerification(false, checked, row.id(), "its fields do not match its hash (the row was "
                            + "edited)", lastId, hex(previous));
                }
                previous = row.hash();
                lastId = row.id();
                after = row.id();
            }
            em.clear();
            if (batch.size() < VERIFY_BATCH) {
                return new ChainVerification(true, checked, null, null, lastId, hex(previous));
            }
        }
    }

    private static String hex(byte[] bytes) {
        return bytes == null ? null : java.util.HexFormat.of().formatHex(bytes);
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
