package io.lwm2m.provisioning.bootstrap.events;

import io.lwm2m.provisioning.bootstrap.audit.AuditLog;
import io.lwm2m.provisioning.events.Event;
import io.lwm2m.provisioning.events.EventSink;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.util.UUID;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;
import tools.jackson.databind.json.JsonMapper;

/**
 * The transactional outbox (decision 078): an event is one statement in the transaction of its
 * change, inserting the event and one PENDING delivery per enabled subscription that takes it. The
 * statement first takes the audit chain's lock, held to the commit, so event ids follow commit order
 * and a stream's events are delivered in the order their changes happened. A change whose event no
 * subscription wants writes nothing ({@link EventInterest}).
 */
@Component
public class EventOutbox implements EventSink {

    /** The one statement that records an event: parameters as {@link #bind} sets them. */
    public static final String INSERT = """
            WITH chain AS (SELECT pg_advisory_xact_lock(?) AS locked),
            event AS (
              INSERT INTO outbox_events (event_id, type, subject, stream_key, dm_server, data, occurred_at)
              SELECT ?, ?, ?, ?, ?, ?::jsonb, ? FROM chain
              RETURNING id, type, stream_key, dm_server)
            INSERT INTO event_deliveries (subscription_id, event_id, stream_key, state, attempts, next_attempt_at, created_at)
            SELECT s.id, e.id, e.stream_key, 'PENDING', 0, now(), now()
            FROM event e JOIN event_subscriptions s ON s.state = 'ENABLED'
              AND (s.dm_server IS NULL OR s.dm_server = e.dm_server)
              AND EXISTS (SELECT 1 FROM unnest(s.types) t
                          WHERE t = e.type OR (right(t, 1) = '*' AND starts_with(e.type, left(t, -1))))""";

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final JdbcTemplate jdbc;
    private final EventInterest interest;
    private final EventDispatcher dispatcher;
    private final Clock clock;

    EventOutbox(JdbcTemplate jdbc, EventInterest interest, EventDispatcher dispatcher, Clock clock) {
        this.jdbc = jdbc;
        this.interest = interest;
        this.dispatcher = dispatcher;
        this.clock = clock;
    }

    @Override
    public void publish(Event event) {
        if (!TransactionSynchronizationManager.isActualTransactionActive()) {
            throw new IllegalStateException("an event is published in the transaction of its change");
        }
        if (!wanted(event)) {
            return;
        }
        jdbc.update(connection -> {
            PreparedStatement statement = connection.prepareStatement(INSERT);
            bind(statement, event);
            return statement;
        });
        TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {
            @Override
            public void afterCommit() {
                dispatcher.wake();
            }
        });
    }

    /** Whether any subscription takes this event: if none does, it is not written. */
    public boolean wanted(Event event) {
        return interest.wanted(event.type());
    }

    /** Binds {@code event} to {@link #INSERT} (for writers that batch it into their own transaction). */
    public void bind(PreparedStatement statement, Event event) throws SQLException {
        statement.setLong(1, AuditLog.CHAIN_LOCK);
        statement.setObject(2, UUID.randomUUID());
        statement.setString(3, event.type());
        statement.setString(4, event.subject());
        statement.setString(5, event.stream());
        statement.setString(6, event.dmServer());
        statement.setString(7, JSON.writeValueAsString(event.data()));
        statement.setTimestamp(8, Timestamp.from(clock.instant()));
    }
}
