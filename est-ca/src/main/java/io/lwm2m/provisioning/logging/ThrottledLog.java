package io.lwm2m.provisioning.logging;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;

/**
 * One log line at most every interval for one kind of event that peers can cause at will (a
 * malformed datagram, a failing request): the first is logged, the rest are counted and the count
 * rides on the next line, so a flood costs a few lines, never a stack trace per datagram. The stack
 * trace of an exception goes to DEBUG only.
 */
public final class ThrottledLog {

    private final Logger log;
    private final long intervalNanos;
    private final AtomicLong nextAt = new AtomicLong(Long.MIN_VALUE);
    private final AtomicLong suppressed = new AtomicLong();

    public ThrottledLog(Logger log, Duration interval) {
        this.log = log;
        this.intervalNanos = interval.toNanos();
    }

    /** Logs {@code message} (with a short form of {@code error}, if any) at WARN, unless one was logged within the interval. */
    public void warn(String message, Throwable error) {
        emit(false, message, error);
    }

    /** As {@link #warn}, at ERROR: for what an operator must act on (lost data). */
    public void error(String message, Throwable error) {
        emit(true, message, error);
    }

    private void emit(boolean severe, String message, Throwable error) {
        long now = System.nanoTime();
        long next = nextAt.get();
        if ((next != Long.MIN_VALUE && now - next < 0) || !nextAt.compareAndSet(next, now + intervalNanos)) {
            suppressed.incrementAndGet();
            log.debug(message, error);
            return;
        }
        long more = suppressed.getAndSet(0);
        String line = error == null ? message : message + ": " + error;
        String text = more > 0 ? line + " (and " + more + " more like it since the last such line)" : line;
        if (severe) {
            log.error(text);
        } else {
            log.warn(text);
        }
        if (error != null) {
            log.debug("The stack trace of the above", error);
        }
    }
}
