package io.lwm2m.provisioning.est;

import io.lwm2m.provisioning.logging.ThrottledLog;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.locks.LockSupport;
import java.util.function.IntConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.transaction.support.TransactionOperations;
import org.springframework.transaction.support.TransactionSynchronizationManager;

/**
 * Commits the writes of issued certificates in groups (decision 085): the enrollments that arrive while
 * a group commits go together into a next one, sharing one transaction, one lock of the audit chain and
 * one WAL flush; two groups are in flight at most. The signatures are made before, in parallel; only the
 * writes wait here. Each enrollment's writes still commit or vanish together. If a group's transaction
 * fails, each of its enrollments is tried again alone, so a failure stays with the enrollment that
 * caused it.
 */
final class IssuanceGroups {

    private static final Logger log = LoggerFactory.getLogger(IssuanceGroups.class);
    private final ThrottledLog metricFailures = new ThrottledLog(log, Duration.ofSeconds(60));

    /** One enrollment's writes. A group runs every member's records, then every member's audit records. */
    interface Writes {

        /** The certificate's record and what else the enrollment changes. */
        void records();

        /** Its audit record (and event): last, since the chain stays locked from the group's first audit record to the commit. */
        void audit();
    }

    /** Enough to share the commit among every EST worker, few enough to keep a group's transaction short. */
    static final int MAX_GROUP = 64;
    /**
     * Groups in flight at once: while one waits for its commit (the WAL flush), the next writes its
     * records and then waits for the audit chain's lock, which the first releases as it commits.
     */
    static final int MAX_GROUPS_IN_FLIGHT = 2;

    private final TransactionOperations transactions;
    private final int maxInFlight;
    /** Told the size of every group that committed (a member retried alone is a group of one). */
    private final IntConsumer committed;
    private final ConcurrentLinkedQueue<Member> waiting = new ConcurrentLinkedQueue<>();
    /** Guards {@link #inFlight} and every member's outcome. */
    private final Object monitor = new Object();
    private int inFlight;

    IssuanceGroups(TransactionOperations transactions, IntConsumer committed) {
        this(transactions, MAX_GROUPS_IN_FLIGHT, committed);
    }

    IssuanceGroups(TransactionOperations transactions, int maxInFlight, IntConsumer committed) {
        this.transactions = transactions;
        this.maxInFlight = maxInFlight;
        this.committed = committed;
    }

    /**
     * Commits {@code writes}, in a group with whatever else waits; returns once they are committed, or
     * throws what they threw when tried alone. Inside a caller's transaction they simply join it.
     */
    void commit(Writes writes) {
        if (TransactionSynchronizationManager.isActualTransactionActive()) {
            writes.records();
            writes.audit();
            return;
        }
        Member mine = new Member(writes, Thread.currentThread());
        waiting.add(mine);
        boolean interrupted = false;
        try {
            while (true) {
                boolean lead;
                synchronized (monitor) {
                    // Lead a group when there is room for one and something to put in it; else wait to be woken.
                    lead = inFlight < maxInFlight && !waiting.isEmpty();
                    if (mine.done) {
                        if (lead) {
                            wakeTheNextLeader(); // it may have been woken to lead, and leaves: pass that on
                        }
                        if (mine.failure != null) {
                            throw mine.failure;
                        }
                        return;
                    }
                    if (lead) {
                        inFlight++;
                    }
                }
                if (lead) {
                    try {
                        commitGroup(next());
                    } finally {
                        synchronized (monitor) {
                            inFlight--;
                        }
                        wakeTheNextLeader();
                    }
                } else {
                    LockSupport.park(this);
                    // Writes that may be committing are not abandoned: the caller learns how they ended.
                    interrupted |= Thread.interrupted();
                }
            }
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /**
     * A group's room is free: the oldest waiting write's caller may lead the next group. Only that one
     * is woken, and each member only when its own outcome is decided: a group's end used to wake every
     * EST worker (notifyAll), most of them only to wait again.
     */
    private void wakeTheNextLeader() {
        Member oldest = waiting.peek();
        if (oldest != null) {
            LockSupport.unpark(oldest.caller);
        }
    }

    /** How many writes wait for a group (for the tests). */
    int waiting() {
        return waiting.size();
    }

    private List<Member> next() {
        List<Member> group = new ArrayList<>();
        Member member;
        while (group.size() < MAX_GROUP && (member = waiting.poll()) != null) {
            group.add(member);
        }
        return group;
    }

    private void commitGroup(List<Member> group) {
        if (group.isEmpty()) {
            return;
        }
        // Until a transaction with its writes commits, no member may take them for committed, not even
        // when an Error ends this group half-way: a member whose outcome was not decided gets a failure.
        RuntimeException[] outcomes = new RuntimeException[group.size()];
        int decided = 0;
        try {
            transactions.executeWithoutResult(status -> {
                group.forEach(m -> m.writes.records());
                group.forEach(m -> m.writes.audit());
            });
            decided = group.size();
            reportCommitted(group.size());
        } catch (RuntimeException failed) {
            for (; decided < group.size(); decided++) {
                outcomes[decided] = group.size() == 1 ? failed : commitAlone(group.get(decided));
            }
        } finally {
            RuntimeException notCommitted = decided == group.size() ? null
                    : new IllegalStateException("the group of this certificate's writes did not commit");
            synchronized (monitor) {
                for (int i = 0; i < group.size(); i++) {
                    group.get(i).failure = i < decided ? outcomes[i] : notCommitted;
                    group.get(i).done = true;
                }
            }
            for (Member member : group) {
                if (member.caller != Thread.currentThread()) {
                    LockSupport.unpark(member.caller);
                }
            }
        }
    }

    private RuntimeException commitAlone(Member member) {
        try {
            transactions.executeWithoutResult(status -> {
                member.writes.records();
                member.writes.audit();
            });
        } catch (RuntimeException failed) {
            return failed;
        }
        reportCommitted(1);
        return null;
    }

    /** Tells the metric; its failure must not make committed writes look failed, or commit them again. */
    private void reportCommitted(int size) {
        try {
            committed.accept(size);
        } catch (RuntimeException e) {
            metricFailures.warn("Could not count a committed issuance group", e);
        }
    }

    /** Its outcome is written and read under {@link #monitor}; {@code caller} is woken when it is decided. */
    private static final class Member {

        private final Writes writes;
        private final Thread caller;
        private boolean done;
        private RuntimeException failure;

        Member(Writes writes, Thread caller) {
            this.writes = writes;
            this.caller = caller;
        }
    }
}
