package io.lwm2m.provisioning.cli.device.client;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * Keeps {@code concurrency} simulated devices bootstrapping until stopped: each slot cycles through its
 * share of the devices (slot k takes devices k, k + concurrency, ...), one bootstrap after the other,
 * each a fresh DTLS connector and full handshake. Used by {@code device load} and by the bootstrap
 * benchmark, which measures the server meanwhile. A failing server is not hammered: a slot pauses
 * 50 ms after a failure. With {@link #pacedAt} the slots together start at most that many sessions per
 * second (an open rate, as a fleet produces it) instead of one right after the other.
 */
public final class LoadGenerator {

    /** How far back a paced generator makes up for starts missed while every slot was busy. */
    private static final long CATCH_UP_NANOS = TimeUnit.MILLISECONDS.toNanos(250);

    private final DeviceStack stack;
    private final Responder responder;
    private final List<DeviceIdentity> devices;
    private final int concurrency;
    private final Consumer<String> log;
    private final AtomicBoolean stop = new AtomicBoolean();
    private final AtomicLong completed = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();
    private final AtomicInteger inFlight = new AtomicInteger();
    /** Completions inside the measured window. */
    private final AtomicLong measuredCompleted = new AtomicLong();
    private final List<List<SessionResult>> results = new ArrayList<>();
    private final Thread[] workers;
    private volatile long windowStart = Long.MAX_VALUE;
    /** Nanoseconds between two session starts; 0: unpaced. */
    private long startInterval;
    /** The start time the next session may claim (a {@link System#nanoTime()}), when paced. */
    private final AtomicLong nextStart = new AtomicLong(System.nanoTime());

    /** {@code log} receives the first five failures as they happen. */
    public LoadGenerator(DeviceStack stack, Responder responder, List<DeviceIdentity> devices, int concurrency, Consumer<String> log) {
        if (concurrency < 1 || devices.size() < concurrency) {
            throw new IllegalArgumentException("need at least as many devices (" + devices.size() + ") as concurrent ones (" + concurrency
                    + "): a device bootstraps once at a time");
        }
        this.stack = stack;
        this.responder = responder;
        this.devices = List.copyOf(devices);
        this.concurrency = concurrency;
        this.log = log;
        this.workers = new Thread[concurrency];
        for (int w = 0; w < concurrency; w++) {
            List<SessionResult> mine = new ArrayList<>();
            results.add(mine);
            int first = w;
            workers[w] = new Thread(() -> drive(first, mine), "load-device-" + w);
            workers[w].setDaemon(true);
        }
    }

    /** At most {@code perSecond} session starts per second over all slots (0: as fast as the slots go); before {@link #start}. */
    public LoadGenerator pacedAt(double perSecond) {
        if (perSecond < 0) {
            throw new IllegalArgumentException("a rate cannot be negative: " + perSecond);
        }
        startInterval = perSecond == 0 ? 0 : Math.round(1e9 / perSecond);
        return this;
    }

    public void start() {
        nextStart.set(System.nanoTime());
        for (Thread w : workers) {
            w.start();
        }
    }

    /** Completions from {@code nanos} on (a {@link System#nanoTime()}) count as measured. */
    public void startWindow(long nanos) {
        windowStart = nanos;
    }

    /**
     * No new sessions; waits up to {@code joinMillis} for the running ones to end. True when some did not
     * end in time.
     */
    public boolean stop(long joinMillis) throws InterruptedException {
        stop.set(true);
        long joinDeadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(joinMillis);
        for (Thread w : workers) {
            w.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(joinDeadline - System.nanoTime())));
        }
        return Arrays.stream(workers).anyMatch(Thread::isAlive);
    }

    public boolean stopped() {
        return stop.get();
    }

    public long completed() {
        return completed.get();
    }

    public long failed() {
        return failed.get();
    }

    public int inFlight() {
        return inFlight.get();
    }

    public long measuredCompleted() {
        return measuredCompleted.get();
    }

    /** Every session so far, ended or not counted yet. */
    public List<SessionResult> results() {
        List<SessionResult> all = new ArrayList<>();
        for (List<SessionResult> r : results) {
            synchronized (r) {
                all.addAll(r);
            }
        }
        return all;
    }

    /**
     * Paced: claims the next start time and sleeps until it. Starts missed while every slot was busy are made
     * up for at most {@link #CATCH_UP_NANOS} back, so a short stall keeps the average rate while a slow server
     * is never sent more than that burst.
     */
    private void awaitStartSlot() throws InterruptedException {
        if (startInterval == 0) {
            return;
        }
        long at;
        while (true) {
            long claimed = nextStart.get();
            at = Math.max(claimed, System.nanoTime() - CATCH_UP_NANOS);
            if (nextStart.compareAndSet(claimed, at + startInterval)) {
                break;
            }
        }
        long wait = at - System.nanoTime();
        if (wait > 0) {
            TimeUnit.NANOSECONDS.sleep(wait);
        }
    }

    /** One simulated-device slot: cycles through its share of the devices until told to stop. */
    private void drive(int first, List<SessionResult> into) {
        int index = first;
        while (!stop.get()) {
            DeviceIdentity device = devices.get(index);
            index += concurrency;
            if (index >= devices.size()) {
                index = first;
            }
            SessionResult result;
            try {
                awaitStartSlot();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            if (stop.get()) {
                return;
            }
            inFlight.incrementAndGet();
            try {
                result = stack.bootstrap(device, responder);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } finally {
                inFlight.decrementAndGet();
            }
            synchronized (into) {
                into.add(result);
            }
            if (result.ok()) {
                completed.incrementAndGet();
                if (result.endNanos() >= windowStart) {
                    measuredCompleted.incrementAndGet();
                }
            } else {
                failed.incrementAndGet();
                if (failed.get() <= 5) {
                    log.accept("session of " + device.endpoint() + " failed: " + result.failure());
                }
                // A failing server must not be hammered in a tight loop.
                try {
                    Thread.sleep(50);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }
}
