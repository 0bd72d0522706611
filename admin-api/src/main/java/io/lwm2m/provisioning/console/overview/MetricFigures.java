package io.lwm2m.provisioning.console.overview;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.search.Search;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Predicate;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/**
 * The overview's figures, read from the meters {@code /actuator/prometheus} exports (the same registry,
 * the same counts: this replica's), and turned into rates per minute from samples taken every
 * {@link #SAMPLE_EVERY}. Without a meter registry (a test slice) every figure is absent.
 */
@Component
class MetricFigures {

    static final String SESSIONS_ENDED = "provisioning.bootstrap.sessions.ended";
    static final String REQUESTS_REFUSED = "provisioning.bootstrap.requests.refused";
    static final String HANDSHAKE_FAILURES = "provisioning.dtls.handshake.failures";
    static final String EST_REQUESTS = "provisioning.est.requests";
    static final String CERTIFICATES_EXPIRING = "provisioning.certificates.expiring";
    static final Duration SAMPLE_EVERY = Duration.ofSeconds(10);
    private static final Duration WINDOW = Duration.ofMinutes(1);
    private static final List<String> ENROLLING = List.of("sen", "sren", "skg", "skc");

    /** Totals at one moment: what rates are computed from. */
    record Sample(Instant at, double bootstraps, double failed, double enrollments, Map<String, Double> failures) {
    }

    /** What the overview shows; rates per minute over {@code window} (shorter just after the start). */
    record Figures(boolean available, Duration window, double bootstrapsPerMinute, double failedPerMinute,
            double enrollmentsPerMinute, double bootstrapsTotal, double enrollmentsTotal, Map<String, Double> failuresTotal,
            Map<String, Double> failuresPerMinute, double certificatesExpiring) {
    }

    private final ObjectProvider<MeterRegistry> registries;
    private final Clock clock;
    private final Deque<Sample> samples = new ArrayDeque<>();

    MetricFigures(ObjectProvider<MeterRegistry> registries, Clock clock) {
        this.registries = registries;
        this.clock = clock;
    }

    @Scheduled(fixedDelay = 10_000, initialDelay = 0)
    synchronized void sample() {
        MeterRegistry registry = registries.getIfAvailable();
        if (registry == null) {
            return;
        }
        Sample now = read(registry);
        samples.addLast(now);
        // The oldest sample kept is the newest one at least a window old: rates cover one minute.
        Instant windowStart = now.at().minus(WINDOW);
        while (samples.size() > 1 && !samples.stream().skip(1).findFirst().orElseThrow().at().isAfter(windowStart)) {
            samples.removeFirst();
        }
    }

    synchronized Figures figures() {
        MeterRegistry registry = registries.getIfAvailable();
        if (registry == null) {
            return new Figures(false, Duration.ZERO, 0, 0, 0, 0, 0, Map.of(), Map.of(), Double.NaN);
        }
        Sample now = read(registry);
        Sample then = samples.isEmpty() ? now : samples.peekFirst();
        Duration window = Duration.between(then.at(), now.at());
        double minutes = Math.max(window.toMillis(), 1) / 60_000.0;
        Map<String, Double> failureRates = new TreeMap<>();
        now.failures().forEach((reason, total) -> {
            double rate = (total - then.failures().getOrDefault(reason, 0.0)) / minutes;
            if (total > 0) {
                failureRates.put(reason, window.isZero() ? 0 : rate);
            }
        });
        Gauge expiring = registry.find(CERTIFICATES_EXPIRING).gauge();
        return new Figures(true, window, rate(now.bootstraps(), then.bootstraps(), window, minutes),
                rate(now.failed(), then.failed(), window, minutes), rate(now.enrollments(), then.enrollments(), window, minutes),
                now.bootstraps(), now.enrollments(), nonZero(now.failures()), failureRates,
                expiring == null ? Double.NaN : expiring.value());
    }

    private static double rate(double now, double then, Duration window, double minutes) {
        return window.isZero() ? 0 : (now - then) / minutes;
    }

    private Sample read(MeterRegistry registry) {
        Map<String, Double> failures = new TreeMap<>();
        for (Counter counter : registry.find(SESSIONS_ENDED).tag("outcome", "FAILED").counters()) {
            failures.merge("session: " + counter.getId().getTag("reason"), counter.count(), Double::sum);
        }
        for (Counter counter : registry.find(HANDSHAKE_FAILURES).counters()) {
            failures.merge("handshake: " + counter.getId().getTag("reason"), counter.count(), Double::sum);
        }
        for (Counter counter : registry.find(REQUESTS_REFUSED).counters()) {
            failures.merge("refused: " + counter.getId().getTag("code"), counter.count(), Double::sum);
        }
        return new Sample(clock.instant(), sum(registry.find(SESSIONS_ENDED).tag("outcome", "SUCCEEDED")),
                sum(registry.find(SESSIONS_ENDED).tag("outcome", "FAILED")),
                sum(registry.find(EST_REQUESTS).tag("outcome", "issued"), c -> ENROLLING.contains(c.getId().getTag("operation"))),
                failures);
    }

    private static double sum(Search search) {
        return sum(search, c -> true);
    }

    private static double sum(Search search, Predicate<Counter> which) {
        return search.counters().stream().filter(which).mapToDouble(Counter::count).sum();
    }

    private static Map<String, Double> nonZero(Map<String, Double> totals) {
        Map<String, Double> kept = new TreeMap<>();
        totals.forEach((k, v) -> {
            if (v > 0) {
                kept.put(k, v);
            }
        });
        return kept;
    }
}
