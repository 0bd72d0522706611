package io.lwm2m.provisioning.bootstrap.sessions;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.stereotype.Component;

/**
 * Group commit for the session history: the starts and ends of bootstrap sessions are queued and
 * written by one thread, everything queued meanwhile in one transaction, in the order it was
 * queued. At a thousand sessions a second that is a commit (and a WAL flush) every few
 * milliseconds instead of two per session. A session never waits for its record; a reader of the
 * history calls {@link #flush()} first, so on this replica it sees every session recorded before.
 * See ADR 015 for what a crash can lose (the last few milliseconds of history, never a credential
 * change: those are written synchronously elsewhere).
 */
@Component
public class SessionHistoryWriter implements DisposableBean {

    private static final Logger log = LoggerFactory.getLogger(SessionHistoryWriter.class);
    private static final int MAX_BATCH = 256;
    private static final long LINGER_MILLIS = 5;

    /** Binds one queued write's parameters to its statement. */
    @FunctionalInterface
    interface Binder {
        void bind(PreparedStatement statement, Connection connection) throws SQLException;
    }

    /**
     * One queued write: a statement, its parameters, and the key (the device) that orders it
     * against writes of other statements.
     */
    private record Queued(long sequence, String description, String sql, Object key, Binder binder) {
    }

    private final DataSource dataSource;
    private final BlockingQueue<Queued> queue = new ArrayBlockingQueue<>(65_536);
    private final Object enqueue = new Object();
    private final Object progress = new Object();
    private final Thread thread;
    private long queued; // guarded by enqueue: sequences follow queue order
    private long written; // guarded by progress
    private volatile boolean stopping;

    SessionHistoryWriter(DataSource dataSource) {
        this.dataSource = dataSource;
        this.thread = new Thread(this::run, "session-history-writer");
        this.thread.setDaemon(true);
        this.thread.start();
    }

    /**
     * Queues a write. With the queue full (the database far behind) the caller waits for room: the
     * bootstrap traffic slows down rather than history being dropped or buffered without bound.
     */
    void submit(String description, String sql, Object key, Binder binder) {
        synchronized (enqueue) {
            Queued item = new Queued(++queued, description, sql, key, binder);
            if (!stopping) {
                try {
                    queue.put(item);
                    return;
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            // Shutting down: the writer thread is gone or going, so write it here.
            writeAlone(item);
            markWritten(item.sequence());
        }
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
                writeBatch(batch);
                markWritten(batch.get(batch.size() - 1).sequence());
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

    private void markWritten(long sequence) {
        synchronized (progress) {
            if (sequence > written) {
                written = sequence;
            }
            progress.notifyAll();
        }
    }

    /**
     * All in one transaction, each statement's writes as one JDBC batch (one round trip, one plan).
     * Statements run in the order they first appear in the batch, which may reorder writes of
     * different statements: a write is therefore cut into the next transaction when an earlier
     * write of the same key belongs to a statement that runs after its own (a session's end
     * queued before the next session of the same device starts, say). If a transaction fails,
     * each of its writes is retried on its own, so one bad write loses nothing else.
     */
    private void writeBatch(List<Queued> batch) {
        Map<String, List<Queued>> groups = new LinkedHashMap<>();
        List<String> order = new ArrayList<>(); // the statements, in the order they run
        Map<Object, Integer> lastGroup = new HashMap<>(); // key -> the last-running statement holding a write of it
        for (Queued item : batch) {
            int group = order.indexOf(item.sql());
            Integer last = item.key() == null ? null : lastGroup.get(item.key());
            if (group >= 0 && last != null && last > group) {
                writeGroups(groups);
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
        writeGroups(groups);
    }

    private void writeGroups(Map<String, List<Queued>> groups) {
        if (groups.isEmpty()) {
            return;
        }
        try (Connection connection = dataSource.getConnection()) {
            connection.setAutoCommit(false);
            try {
                for (Map.Entry<String, List<Queued>> group : groups.entrySet()) {
                    try (PreparedStatement statement = connection.prepareStatement(group.getKey())) {
                        for (Queued item : group.getValue()) {
                            item.binder().bind(statement, connection);
                            statement.addBatch();
                        }
                        statement.executeBatch();
                    }
                }
                connection.commit();
                return;
            } catch (SQLException | RuntimeException e) {
                connection.rollback();
                log.debug("Session history transaction failed ({}); writing one by one", e.getMessage());
            } finally {
                connection.setAutoCommit(true);
            }
        } catch (SQLException e) {
            log.warn("Session history transaction could not be written ({}); writing one by one", e.getMessage());
        }
        groups.values().stream().flatMap(List::stream).sorted(Comparator.comparingLong(Queued::sequence))
                .forEach(this::writeAlone);
    }

    private void writeAlone(Queued item) {
        // Twice: a start racing another replica's start of the same device breaks the unique index once.
        for (int attempt = 1; attempt <= 2; attempt++) {
            try (Connection connection = dataSource.getConnection();
                    PreparedStatement statement = connection.prepareStatement(item.sql())) {
                connection.setAutoCommit(true);
                item.binder().bind(statement, connection);
                statement.executeUpdate();
                return;
            } catch (SQLException | RuntimeException e) {
                if (attempt == 2) {
                    log.error("Could not record {}", item.description(), e);
                }
            }
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
