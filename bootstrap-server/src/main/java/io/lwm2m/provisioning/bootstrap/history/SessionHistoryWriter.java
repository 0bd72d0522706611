package io.lwm2m.provisioning.bootstrap.history;

import io.lwm2m.provisioning.bootstrap.sessions.BootstrapEvents;
import io.lwm2m.provisioning.logging.ThrottledLog;
import io.lwm2m.provisioning.threads.WorkerPools;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.stereotype.Component;

/**
 * Group commit for the session history: the starts and ends of bootstrap sessions are queued and
 * written by one thread, everything queued meanwhile in one transaction, in the order it was
 * queued. At a thousand sessions a second that is a commit (and a WAL flush) every few
 * milliseconds instead of two per session. A session never waits for its record; a reader of the
 * history calls {@link #flush()} first, so on this replica it sees every session recorded before.
 *
 * <p>A database that is down or restarting loses nothing: the writes wait in the queue (65,536 of
 * them, minutes of traffic) while the writer retries with backoff. Only what cannot be kept is
 * dropped, counted ({@link BootstrapEvents#historyDropped}) and logged as an error: a write while
 * the queue is full, or one the database refuses for its content twice. See ADR 015 for what a
 * crash of this process can lose (the last few milliseconds of history, and with a session's row the
 * mark of the credentials it delivered, decision 090; never a credential's status) and ADR 021 for
 * outages.
 */
@Component
public class SessionHistoryWriter implements DisposableBean {

    private static final Logger log = LoggerFactory.getLogger(SessionHistoryWriter.class);
    private static final int MAX_BATCH = 256;
    private static final long LINGER_MILLIS = 5;
    static final int CAPACITY = 65_536;
    private static final Duration MAX_BACKOFF = Duration.ofSeconds(5);

    /** Binds one queued write's parameters to its statement. */
    @FunctionalInterface
    interface Binder {
        void bind(PreparedStatement statement, Connection connection) throws SQLException;
    }

    /**
     * A statement that writes any number of rows in one execution, each of its parameters an array
     * of one column's values (PostgreSQL's {@code unnest}): a group of such writes is one statement,
     * where a JDBC batch would still run the statement once per row (decision 087).
     *
     * @param arrayTypes the PostgreSQL element type of each parameter, in order
     */
    record RowsStatement(String sql, String... arrayTypes) {

        private void bind(PreparedStatement statement, Connection connection, List<Queued> rows) throws SQLException {
            for (int column = 0; column < arrayTypes.length; column++) {
                Object[] values = new Object[rows.size()];
                for (int i = 0; i < values.length; i++) {
                    values[i] = rows.get(i).row()[column];
                }
                statement.setArray(column + 1, connection.createArrayOf(arrayTypes[column], values));
            }
        }
    }

    /**
     * One queued write: a statement, its parameters, and the key (the device) that orders it
     * against writes of other statements. The parameters are bound by {@code binder}, or, for a
     * {@link RowsStatement}, are the values of {@code row}.
     */
    private record Queued(long sequence, String description, String sql, Object key, Binder binder, RowsStatement rows, Object[] row) {

        /** Binds this write alone to its statement. */
        private void bind(PreparedStatement statement, Connection connection) throws SQLException {
            if (rows != null) {
                rows.bind(statement, connection, List.of(this));
            } else {
                binder.bind(statement, connection);
            }
        }
    }

    private final DataSource dataSource;
    private final BlockingQueue<Queued> queue = new ArrayBlockingQueue<>(CAPACITY);
    private final ObjectProvider<BootstrapEvents> events;
    private final ThrottledLog waiting = new ThrottledLog(log, Duration.ofSeconds(30));
    private final ThrottledLog dropping = new ThrottledLog(log, Duration.ofSeconds(10));
    private final Object enqueue = new Object();
    private final Object progress = new Object();
    private final Thread thread;
    private long queued; // guarded by enqueue: sequences follow queue order
    private long written; // guarded by progress
    private volatile boolean stopping;

    SessionHistoryWriter(DataSource dataSource, ObjectProvider<BootstrapEvents> events, WorkerPools pools) {
        this.dataSource = dataSource;
        this.events = events;
        // Its own loop thread: it stops by its drain protocol (destroy), not with the worker pools.
        this.thread = pools.loop("session-history-writer", this::run);
    }

    /**
     * Queues a write. The caller never waits on the database: with the queue full (the database
     * down for minutes) the write is dropped, counted and logged, and the bootstrap goes on.
     */
    void submit(String description, String sql, Object key, Binder binder) {
        enqueue(description, sql, key, binder, null, null);
    }

    /** Queues a write of one row of a {@link RowsStatement}, as {@link #submit(String, String, Object, Binder)} does. */
    void submit(String description, RowsStatement statement, Object key, Object... row) {
        enqueue(description, statement.sql(), key, null, statement, row);
    }

    private void enqueue(String description, String sql, Object key, Binder binder, RowsStatement rows, Object[] row) {
        synchronized (enqueue) {
            Queued item = new Queued(++queued, description, sql, key, binder, rows, row);
            if (!stopping) {
                if (!queue.offer(item)) {
                    markWritten(item.sequence());
                    dropped(1, "the session history queue is full (" + CAPACITY + " writes; is the database down?): dropped "
                            + description, null);
                }
                return;
            }
            // Shutting down: the writer thread is gone or going, so write it here.
            try {
                writeAlone(item);
            } catch (DatabaseUnavailable e) {
                dropped(1, "shutting down with the database unavailable: dropped " + description, e.getCause());
            }
            markWritten(item.sequence());
        }
    }

    /** How many writes wait for the database. */
    public int backlog() {
        return queue.size();
    }

    /** Waits (up to 10 s) until everything queued before this call is committed. */
    public void flush() {
        long target;
        synchronized (enqueue) {
            target = queued;
        }
        long until = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        synchronized (progress) {
            while (written < target) {
                long left = until - System.nanoTime();
                if (left <= 0) {
                    log.warn("Session history still {} writes behind after 10 s", target - written);
                    return;
                }
                try {
                    TimeUnit.NANOSECONDS.timedWait(progress, left);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }

    private void run() {
        List<Queued> batch = new ArrayList<>(MAX_BATCH);
        while (!stopping || !queue.isEmpty()) {
            try {
                Queued first = queue.poll(100, TimeUnit.MILLISECONDS);
                if (first == null) {
                    continue;
                }
                batch.add(first);
                if (queue.size() < MAX_BATCH / 4 && !stopping) {
                    // Linger a moment so a quiet period's writes share a commit too: on an idle
                    // server each session would otherwise pay a commit (and a WAL flush) of its own.
                    Thread.sleep(LINGER_MILLIS);
                }
                queue.drainTo(batch, MAX_BATCH - 1);
                long last = batch.get(batch.size() - 1).sequence();
                writeUntilDone(batch);
                markWritten(last);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (RuntimeException e) {
                log.error("Session history writer failed; continuing", e);
            } finally {
                batch.clear();
            }
        }
    }

    /**
     * Writes the batch, waiting out a database that is unavailable with a backoff of up to 5 s, for
     * as long as it takes: new writes wait in the queue meanwhile. Written writes leave the batch, so
     * a retry writes only the rest. Gives up only when shutting down.
     */
    private void writeUntilDone(List<Queued> batch) throws InterruptedException {
        long backoff = 100;
        long since = System.nanoTime();
        while (!batch.isEmpty()) {
            try {
                writeBatch(batch);
                if (backoff > 100) {
                    log.info("Session history written again after {} s without the database",
                            Duration.ofNanos(System.nanoTime() - since).toSeconds());
                }
                return;
            } catch (DatabaseUnavailable e) {
                if (stopping && System.nanoTime() - since > Duration.ofSeconds(10).toNanos()) {
                    dropped(batch.size() + queue.size(), "the database stayed unavailable at shutdown: dropped "
                            + (batch.size() + queue.size()) + " session history writes", e.getCause());
                    queue.clear();
                    return;
                }
                waiting.warn("Session history waits for the database (" + (batch.size() + queue.size())
                        + " writes queued, retrying)", e.getCause());
                Thread.sleep(backoff);
                backoff = Math.min(backoff * 2, MAX_BACKOFF.toMillis());
            }
        }
    }

    private void markWritten(long sequence) {
        synchronized (progress) {
            if (sequence > written) {
                written = sequence;
            }
            progress.notifyAll();
        }
    }

    /**
     * All in one transaction, each statement's writes as one JDBC batch (one round trip, one plan), or
     * as one execution for a {@link RowsStatement}.
     * Statements run in the order they first appear in the batch, which may reorder writes of
     * different statements: a write is therefore cut into the next transaction when an earlier
     * write of the same key belongs to a statement that runs after its own (a session's end
     * queued before the next session of the same device starts, say). If a transaction fails,
     * each of its writes is retried on its own, so one bad write loses nothing else.
     */
    private void writeBatch(List<Queued> batch) {
        List<Queued> pending = List.copyOf(batch);
        Map<String, List<Queued>> groups = new LinkedHashMap<>();
        List<String> order = new ArrayList<>(); // the statements, in the order they run
        Map<Object, Integer> lastGroup = new HashMap<>(); // key -> the last-running statement holding a write of it
        for (Queued item : pending) {
            int group = order.indexOf(item.sql());
            Integer last = item.key() == null ? null : lastGroup.get(item.key());
            if (group >= 0 && last != null && last > group) {
                writeGroups(groups, batch);
                groups.clear();
                order.clear();
                lastGroup.clear();
                group = -1;
            }
            if (group < 0) {
                order.add(item.sql());
                group = order.size() - 1;
            }
            groups.computeIfAbsent(item.sql(), sql -> new ArrayList<>()).add(item);
            if (item.key() != null) {
                lastGroup.merge(item.key(), group, Math::max);
            }
        }
        writeGroups(groups, batch);
    }

    /** Writes these groups in one transaction, or else one by one; each write done leaves {@code batch}. */
    private void writeGroups(Map<String, List<Queued>> groups, List<Queued> batch) {
        if (groups.isEmpty()) {
            return;
        }
        try (Connection connection = dataSource.getConnection()) {
            connection.setAutoCommit(false);
            try {
                for (Map.Entry<String, List<Queued>> group : groups.entrySet()) {
                    try (PreparedStatement statement = connection.prepareStatement(group.getKey())) {
                        write(statement, connection, group.getValue());
                    }
                }
                connection.commit();
                groups.values().forEach(batch::removeAll);
                return;
            } catch (SQLException | RuntimeException e) {
                rollbackQuietly(connection);
                if (DatabaseUnavailable.causes(e)) {
                    throw new DatabaseUnavailable(e);
                }
                log.debug("Session history transaction failed ({}); writing one by one", e.getMessage());
            } finally {
                resetQuietly(connection);
            }
        } catch (SQLException | RuntimeException e) {
            if (e instanceof DatabaseUnavailable unavailable) {
                throw unavailable;
            }
            if (DatabaseUnavailable.causes(e)) {
                throw new DatabaseUnavailable(e);
            }
            log.warn("Session history transaction could not be written ({}); writing one by one", e.getMessage());
        }
        for (Queued item : groups.values().stream().flatMap(List::stream).sorted(Comparator.comparingLong(Queued::sequence)).toList()) {
            writeAlone(item);
            batch.remove(item);
        }
    }

    /** Writes one statement's writes: a {@link RowsStatement}'s in one execution, any other's as a JDBC batch. */
    private static void write(PreparedStatement statement, Connection connection, List<Queued> items) throws SQLException {
        RowsStatement rows = items.get(0).rows();
        if (rows != null) {
            rows.bind(statement, connection, items);
            statement.executeUpdate();
            return;
        }
        for (Queued item : items) {
            item.binder().bind(statement, connection);
            statement.addBatch();
        }
        statement.executeBatch();
    }

    /**
     * Writes one item on its own. Twice when the database refuses it (a start racing another
     * replica's start of the same device breaks the unique index once), then it is dropped and
     * counted; a database that is unavailable throws {@link DatabaseUnavailable} instead.
     */
    private void writeAlone(Queued item) {
        for (int attempt = 1; attempt <= 2; attempt++) {
            try (Connection connection = dataSource.getConnection();
                    PreparedStatement statement = connection.prepareStatement(item.sql())) {
                connection.setAutoCommit(true);
                item.bind(statement, connection);
                statement.executeUpdate();
                return;
            } catch (SQLException | RuntimeException e) {
                if (DatabaseUnavailable.causes(e)) {
                    throw new DatabaseUnavailable(e);
                }
                if (attempt == 2) {
                    dropped(1, "the database refused " + item.description() + "; dropped it", e);
                }
            }
        }
    }

    private void dropped(int count, String why, Throwable cause) {
        dropping.error(why, cause);
        BootstrapEvents counter = events.getIfAvailable();
        if (counter != null) {
            counter.historyDropped(count);
        }
    }

    private static void rollbackQuietly(Connection connection) {
        try {
            connection.rollback();
        } catch (SQLException e) {
            log.debug("Rollback failed", e);
        }
    }

    private static void resetQuietly(Connection connection) {
        try {
            connection.setAutoCommit(true);
        } catch (SQLException e) {
            log.debug("Resetting auto-commit failed", e);
        }
    }

    @Override
    public void destroy() throws InterruptedException {
        synchronized (enqueue) {
            stopping = true; // from now on submit() writes itself; the thread drains what is queued
        }
        thread.join(Duration.ofSeconds(30).toMillis());
    }
}
