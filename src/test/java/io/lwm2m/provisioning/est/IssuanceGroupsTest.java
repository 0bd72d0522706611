package io.lwm2m.provisioning.est;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lwm2m.provisioning.app.EmbeddedDatabase;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntPredicate;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.jdbc.datasource.DriverManagerDataSource;
import org.springframework.transaction.support.TransactionCallback;
import org.springframework.transaction.support.TransactionOperations;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Group commit of issued certificates' writes (decision 085) on a real PostgreSQL and Spring's real
 * transaction manager: each row records the transaction that wrote it ({@code txid_current()}), so the
 * tests see which writes shared a commit and which were rolled back.
 */
class IssuanceGroupsTest {

    private static EmbeddedDatabase database;
    private static DriverManagerDataSource dataSource;
    private JdbcTemplate jdbc;
    private TransactionTemplate transactions;
    private IssuanceGroups groups;
    private final List<Integer> committedGroups = new java.util.concurrent.CopyOnWriteArrayList<>();

    @BeforeAll
    static void start() throws Exception {
        database = EmbeddedDatabase.temporary();
        dataSource = new DriverManagerDataSource(database.jdbcUrl(), database.username(),
                database.password());
        new JdbcTemplate(dataSource).execute("CREATE TABLE writes (seq BIGSERIAL PRIMARY KEY, member INT NOT NULL, part TEXT NOT NULL, txid BIGINT NOT NULL)");
    }

    @AfterAll
    static void stop() throws Exception {
        if (database != null) {
            database.close();
        }
    }

    @BeforeEach
    void empty() {
        jdbc = new JdbcTemplate(dataSource);
        jdbc.update("DELETE FROM writes");
        transactions = new TransactionTemplate(new DataSourceTransactionManager(dataSource));
        // One group in flight: which writes share a group is then up to the test.
        committedGroups.clear();
        groups = new IssuanceGroups(transactions, 1, committedGroups::add);
    }

    /** A member's writes: one row for its records, one for its audit; {@code failing} throws after writing its audit row. */
    private IssuanceGroups.Writes member(int id, boolean failing, Runnable duringRecords) {
        return new IssuanceGroups.Writes() {
            @Override
            public void records() {
                duringRecords.run();
                jdbc.update("INSERT INTO writes (member, part, txid) VALUES (?, 'records', txid_current())", id);
            }

            @Override
            public void audit() {
                jdbc.update("INSERT INTO writes (member, part, txid) VALUES (?, 'audit', txid_current())", id);
                if (failing) {
                    throw new IllegalStateException("member " + id + " refused");
                }
            }
        };
    }

    @Test
    void writesArrivingDuringACommitShareTheNextOneAndAFailureStaysWithItsMember() throws Exception {
        int others = 12;
        List<Throwable> outcomes = commitBehindAHeldGroup(others, id -> id == 7);
        for (int id = 1; id <= others; id++) {
            if (id == 7) {
                assertThat(outcomes.get(id)).isInstanceOf(IllegalStateException.class).hasMessage("member 7 refused");
            } else {
                assertThat(outcomes.get(id)).as("member " + id).isNull();
            }
        }
        Map<Integer, Long> rowsByMember = jdbc.queryForList("SELECT member FROM writes", Integer.class).stream()
                .collect(Collectors.groupingBy(m -> m, Collectors.counting()));
        assertThat(rowsByMember).as("every member but the failing one committed its two rows once; member 7's rolled back")
                .doesNotContainKey(7).hasSize(others).allSatisfy((member, rows) -> assertThat(rows).isEqualTo(2L));
        assertThat(jdbc.queryForObject("SELECT count(DISTINCT txid) FROM writes WHERE part = 'records' AND member > 0", Long.class))
                .as("the members that waited together were tried in one group, which failed, then each alone").isEqualTo(others - 1L);
        assertThat(jdbc.queryForObject("SELECT count(DISTINCT txid) FROM writes WHERE member = 0", Long.class)).isOne();
        assertThat(committedGroups).as("member 0's group, then the failed group's members that committed alone")
                .containsExactlyElementsOf(java.util.Collections.nCopies(others, 1));
    }

    @Test
    void membersOfAGroupCommitTogetherWithTheirRecordsBeforeAnyAuditRecord() throws Exception {
        int others = 8;
        assertThat(commitBehindAHeldGroup(others, id -> false)).containsOnlyNulls();
        assertThat(jdbc.queryForObject("SELECT count(*) FROM writes", Long.class)).isEqualTo(2L * (others + 1));
        assertThat(jdbc.queryForObject("SELECT count(DISTINCT txid) FROM writes WHERE member > 0", Long.class))
                .as("the members that queued behind the first commit shared the next one").isOne();
        assertThat(committedGroups).as("the sizes the metric is told").containsExactly(1, others);
        List<String> parts = jdbc.queryForList("SELECT part FROM writes WHERE member > 0 ORDER BY seq", String.class);
        assertThat(parts.subList(0, others)).containsOnly("records");
        assertThat(parts.subList(others, parts.size())).containsOnly("audit");
    }

    @Test
    void aMetricThatFailsAfterACommitLeavesEveryWriteCommittedOnceAndReportedSo() throws Exception {
        groups = new IssuanceGroups(transactions, 1, size -> {
            throw new IllegalStateException("the metric failed");
        });
        int others = 4;
        assertThat(commitBehindAHeldGroup(others, id -> false)).as("every member's writes committed").containsOnlyNulls();
        assertThat(jdbc.queryForObject("SELECT count(*) FROM writes", Long.class))
                .as("each member's two rows, once: nobody was committed again alone").isEqualTo(2L * (others + 1));

        // And when a failing member sends the others to commit alone, each of them still hears success.
        jdbc.update("DELETE FROM writes");
        List<Throwable> outcomes = commitBehindAHeldGroup(others, id -> id == 3);
        assertThat(outcomes.get(3)).hasMessage("member 3 refused");
        outcomes.remove(3);
        assertThat(outcomes).as("the members committed alone").containsOnlyNulls();
        assertThat(jdbc.queryForObject("SELECT count(*) FROM writes", Long.class)).isEqualTo(2L * others);
    }

    /**
     * Member 0 commits alone, its group held open until members 1..{@code others} queue behind it; returns
     * each member's outcome by id: null when its writes committed, else what its caller caught.
     */
    private List<Throwable> commitBehindAHeldGroup(int others, IntPredicate failing) throws Exception {
        ExecutorService callers = Executors.newFixedThreadPool(others + 1);
        try {
            List<Future<?>> all = new ArrayList<>();
            all.add(holdTheFirstGroupUntilQueued(callers, others));
            for (int i = 1; i <= others; i++) {
                int id = i;
                all.add(callers.submit(() -> groups.commit(member(id, failing.test(id), () -> { }))));
            }
            List<Throwable> outcomes = new ArrayList<>();
            for (Future<?> member : all) {
                try {
                    member.get(30, TimeUnit.SECONDS);
                    outcomes.add(null);
                } catch (ExecutionException e) {
                    outcomes.add(e.getCause());
                }
            }
            return outcomes;
        } finally {
            callers.shutdownNow();
        }
    }

    @Test
    void withTwoGroupsInFlightEveryWriteCommitsOnceAndNoThirdGroupOpens() throws Exception {
        AtomicInteger open = new AtomicInteger();
        AtomicInteger mostOpen = new AtomicInteger();
        TransactionOperations counted = new TransactionOperations() {
            @Override
            public <T> T execute(TransactionCallback<T> action) {
                mostOpen.accumulateAndGet(open.incrementAndGet(), Math::max);
                try {
                    return transactions.execute(action);
                } finally {
                    open.decrementAndGet();
                }
            }
        };
        IssuanceGroups pipelined = new IssuanceGroups(counted, committedGroups::add);
        int members = 200;
        ExecutorService callers = Executors.newFixedThreadPool(16);
        try {
            List<Future<?>> all = new ArrayList<>();
            for (int i = 0; i < members; i++) {
                int id = i;
                all.add(callers.submit(() -> pipelined.commit(member(id, id % 50 == 7, () -> { }))));
            }
            for (int i = 0; i < members; i++) {
                if (i % 50 == 7) {
                    assertThatThrownBy(all.get(i)::get).hasRootCauseMessage("member " + i + " refused");
                } else {
                    all.get(i).get(30, TimeUnit.SECONDS);
                }
            }
        } finally {
            callers.shutdownNow();
        }
        assertThat(jdbc.queryForObject("SELECT count(*) FROM writes", Long.class)).isEqualTo(2L * (members - 4));
        assertThat(jdbc.queryForObject("SELECT count(DISTINCT member) FROM writes", Long.class)).isEqualTo(members - 4L);
        assertThat(mostOpen.get()).isBetween(1, IssuanceGroups.MAX_GROUPS_IN_FLIGHT);
        assertThat(pipelined.waiting()).isZero();
        assertThat(committedGroups.stream().mapToInt(Integer::intValue).sum()).isEqualTo(members - 4);
    }

    /**
     * A caller interrupted while its writes wait for a group is not let go before they are decided (it
     * would report an enrollment failed whose certificate then commits): it learns the outcome, and its
     * interrupt is kept for whoever runs the thread next.
     */
    @Test
    void aCallerInterruptedWhileItWaitsLearnsHowItsWritesEndedAndKeepsItsInterrupt() throws Exception {
        CountDownLatch inRecords = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        ExecutorService callers = Executors.newFixedThreadPool(1);
        try {
            Future<?> first = callers.submit(() -> groups.commit(member(0, false, () -> {
                inRecords.countDown();
                try {
                    assertThat(release.await(30, TimeUnit.SECONDS)).isTrue();
                } catch (InterruptedException e) {
                    throw new IllegalStateException(e);
                }
            })));
            assertThat(inRecords.await(30, TimeUnit.SECONDS)).isTrue();
            java.util.concurrent.CompletableFuture<Boolean> interruptedAfter = new java.util.concurrent.CompletableFuture<>();
            Thread waiter = new Thread(() -> {
                try {
                    groups.commit(member(1, false, () -> { }));
                    interruptedAfter.complete(Thread.currentThread().isInterrupted());
                } catch (RuntimeException e) {
                    interruptedAfter.completeExceptionally(e);
                }
            });
            waiter.start();
            awaitWaiting(1);
            waiter.interrupt();
            assertThat(interruptedAfter).as("still waiting for its group").isNotDone();
            release.countDown();
            first.get(30, TimeUnit.SECONDS);
            assertThat(interruptedAfter.get(30, TimeUnit.SECONDS)).as("the interrupt is kept").isTrue();
            assertThat(jdbc.queryForObject("SELECT count(*) FROM writes WHERE member = 1", Long.class)).isEqualTo(2L);
        } finally {
            callers.shutdownNow();
        }
    }

    @Test
    void insideACallersTransactionTheWritesJoinIt() {
        Long outer = transactions.execute(status -> {
            groups.commit(member(1, false, () -> { }));
            return jdbc.queryForObject("SELECT txid_current()", Long.class);
        });
        assertThat(jdbc.queryForList("SELECT txid FROM writes", Long.class)).containsOnly(outer).hasSize(2);
        assertThat(committedGroups).as("the caller's transaction is no group").isEmpty();
        assertThatThrownBy(() -> transactions.executeWithoutResult(status -> groups.commit(member(2, true, () -> { }))))
                .hasMessage("member 2 refused");
        assertThat(jdbc.queryForObject("SELECT count(*) FROM writes WHERE member = 2", Long.class)).isZero();
    }

    /** Member 0 commits alone, its group held open until {@code others} writes queue behind it. */
    private Future<?> holdTheFirstGroupUntilQueued(ExecutorService callers, int others) throws InterruptedException {
        CountDownLatch inRecords = new CountDownLatch(1);
        Future<?> first = callers.submit(() -> groups.commit(member(0, false, () -> {
            inRecords.countDown();
            awaitWaiting(others);
        })));
        assertThat(inRecords.await(30, TimeUnit.SECONDS)).isTrue();
        return first;
    }

    private void awaitWaiting(int count) {
        Instant deadline = Instant.now().plus(Duration.ofSeconds(20));
        while (groups.waiting() < count) {
            if (Instant.now().isAfter(deadline)) {
                throw new AssertionError("only " + groups.waiting() + " of " + count + " writes queued");
            }
            Thread.onSpinWait();
        }
    }
}
