package io.lwm2m.provisioning.threads;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

/**
 * Where the application's background threads come from: every pool is created here, its threads
 * named after it ({@code import-worker-1}) and daemons, and every pool is stopped here, in order,
 * when the application stops: after the servers that hand work in (HTTP, CoAP) and before the
 * database goes away.
 *
 * <p>Two kinds of pool. A <em>worker</em> pool lives as long as the application (optionally with a
 * bounded queue, for work whose sender retries). A <em>task</em> pool serves one piece of work (an
 * import job's committers) and is closed by whoever opened it. Beside them, <em>timers</em> (one
 * thread for timeouts and periodic work, stopped after the worker pools: their owners do a last round
 * themselves when they need one) and dedicated <em>loop threads</em> (a writer draining its queue, a
 * database listener), whose owners stop them by their own protocol because they drain or close
 * something first; they are created here so that every thread is named and a daemon.
 * Stopping tells every worker pool at once to take no more work (its tasks see
 * {@link WorkerPool#stopping()} and end at their next safe point), waits for them up to
 * {@link #GRACE} in all, interrupts what is left, and only then stops any task pool still open,
 * whose owner is gone by then: work a worker handed to a task pool is never cut off under it.
 */
@Component
public class WorkerPools implements SmartLifecycle, DisposableBean {

    /** How long stopping waits for running work to reach a point where it can stop. */
    public static final Duration GRACE = Duration.ofSeconds(20);
    /** After the servers (default phase) have stopped taking requests, before beans are destroyed. */
    static final int PHASE = 0;
    private static final Logger log = LoggerFactory.getLogger(WorkerPools.class);

    private final List<WorkerPool> workers = new ArrayList<>();
    private final List<WorkerPool> tasks = new ArrayList<>();
    private final List<ScheduledExecutorService> timers = new ArrayList<>();
    private volatile boolean running;
    private boolean stopped;

    /** A pool of {@code threads} threads named {@code name-1}, {@code name-2}, … for the application's lifetime. */
    public synchronized WorkerPool workers(String name, int threads) {
        WorkerPool pool = new WorkerPool(name, Executors.newFixedThreadPool(threads, named(name)), null);
        workers.add(pool);
        if (stopped) {
            pool.executor().shutdown();
        }
        return pool;
    }

    /**
     * A worker pool whose queue holds at most {@code capacity} tasks: beyond it a task is refused
     * ({@link java.util.concurrent.RejectedExecutionException}) instead of waiting without bound.
     */
    public synchronized WorkerPool bounded(String name, int threads, int capacity) {
        WorkerPool pool = new WorkerPool(name, new ThreadPoolExecutor(threads, threads, 0, TimeUnit.MILLISECONDS,
                new ArrayBlockingQueue<>(capacity), named(name), new ThreadPoolExecutor.AbortPolicy()), null);
        workers.add(pool);
        if (stopped) {
            pool.executor().shutdown();
        }
        return pool;
    }

    /**
     * A timer thread named {@code name}. Cancelled tasks leave its queue at once: almost every timeout
     * is cancelled because the answer came first, and kept until it would have fired, a thousand
     * sessions a second would hold a few hundred thousand dead tasks, each holding its session.
     */
    public ScheduledExecutorService timer(String name) {
        return scheduled(1, task -> daemon(task, name));
    }

    /**
     * Timer threads that also run work, {@code name-1} … {@code name-threads}, stopped with the timers: for a
     * library that takes one executor for both. Cancelled tasks leave the queue at once, as with {@link #timer}.
     */
    public ScheduledExecutorService scheduledWorkers(String name, int threads) {
        return scheduled(threads, named(name));
    }

    private synchronized ScheduledExecutorService scheduled(int threads, ThreadFactory factory) {
        ScheduledThreadPoolExecutor pool = new ScheduledThreadPoolExecutor(threads, factory);
        pool.setRemoveOnCancelPolicy(true);
        timers.add(pool);
        if (stopped) {
            pool.shutdownNow();
        }
        return pool;
    }

    /** Starts a dedicated daemon thread named {@code name} running {@code loop}; its owner ends it. */
    public Thread loop(String name, Runnable loop) {
        Thread thread = daemon(loop, name);
        thread.start();
        return thread;
    }

    /**
     * A pool of {@code threads} threads named {@code name-1}, … for one piece of work; close it when
     * the work is done (it then finishes what it was given and ends).
     */
    public synchronized WorkerPool forTask(String name, int threads) {
        WorkerPool pool = new WorkerPool(name, Executors.newFixedThreadPool(threads, named(name)), this::closed);
        tasks.add(pool);
        if (stopped) {
            pool.executor().shutdown();
        }
        return pool;
    }

    private synchronized void closed(WorkerPool pool) {
        tasks.remove(pool);
    }

    private static ThreadFactory named(String name) {
        AtomicInteger count = new AtomicInteger();
        return task -> daemon(task, name + "-" + count.incrementAndGet());
    }

    private static Thread daemon(Runnable task, String name) {
        Thread thread = new Thread(task, name);
        thread.setDaemon(true);
        return thread;
    }

    @Override
    public void start() {
        running = true;
    }

    @Override
    public void stop() {
        List<WorkerPool> workersNow;
        synchronized (this) {
            if (stopped) {
                return;
            }
            stopped = true;
            workersNow = List.copyOf(workers);
        }
        running = false;
        workersNow.forEach(pool -> pool.executor().shutdown());
        long deadline = System.nanoTime() + GRACE.toNanos();
        for (WorkerPool pool : workersNow) {
            awaitOrInterrupt(pool, deadline);
        }
        List<WorkerPool> tasksNow;
        synchronized (this) {
            tasksNow = List.copyOf(tasks);
        }
        for (WorkerPool pool : tasksNow) {
            pool.executor().shutdownNow();
        }
        List<ScheduledExecutorService> timersNow;
        synchronized (this) {
            timersNow = List.copyOf(timers);
        }
        timersNow.forEach(ScheduledExecutorService::shutdownNow);
    }

    private static void awaitOrInterrupt(WorkerPool pool, long deadline) {
        try {
            if (!pool.executor().awaitTermination(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS)) {
                log.warn("{} did not stop within {}; interrupting it", pool.name(), GRACE);
                pool.executor().shutdownNow();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            pool.executor().shutdownNow();
        }
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    @Override
    public int getPhase() {
        return PHASE;
    }

    /** A context that failed before it started still lets its pools go. */
    @Override
    public void destroy() {
        stop();
    }

    /** A named pool; tasks it runs may ask {@link #stopping()} to end early. */
    public static final class WorkerPool implements AutoCloseable, Executor {

        private final String name;
        private final ExecutorService executor;
        private final Consumer<WorkerPool> onClose;

        WorkerPool(String name, ExecutorService executor, Consumer<WorkerPool> onClose) {
            this.name = name;
            this.executor = executor;
            this.onClose = onClose;
        }

        public String name() {
            return name;
        }

        ExecutorService executor() {
            return executor;
        }

        /** Runs {@code task} on one of the pool's threads; refused ({@link java.util.concurrent.RejectedExecutionException}) once stopping. */
        @Override
        public void execute(Runnable task) {
            executor.execute(task);
        }

        /** Whether the application is stopping (or, for a task pool, the pool was closed): running work should end soon. */
        public boolean stopping() {
            return executor.isShutdown();
        }

        /** Takes no more tasks; those given run to their end. For a task pool: its work is done. */
        @Override
        public void close() {
            executor.shutdown();
            closed();
        }

        /** Takes no more tasks and interrupts those running: for work whose result is no longer wanted. */
        public void closeNow() {
            executor.shutdownNow();
            closed();
        }

        private void closed() {
            if (onClose != null) {
                onClose.accept(this);
            }
        }
    }
}
