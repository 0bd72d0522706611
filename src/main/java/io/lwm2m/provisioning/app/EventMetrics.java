package io.lwm2m.provisioning.app;

import io.lwm2m.provisioning.bootstrap.enrollment.AdmissionListener;
import io.lwm2m.provisioning.bootstrap.events.DeliveryListener;
import io.lwm2m.provisioning.bootstrap.events.EventDispatcher;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * Delivery metrics of the event outbox and admission counts of enrollment groups (issue 17):
 * {@code provisioning_event_deliveries_total{outcome}} (delivered, failed: tried again, dead),
 * {@code provisioning_event_delivery_seconds} (how long receivers took), the backlog
 * {@code provisioning_event_deliveries_pending} (over all replicas; alert when it only grows), and
 * {@code provisioning_enrollment_admissions_total{mechanism,outcome}}. Labels come from fixed sets.
 */
@Component
class EventMetrics implements DeliveryListener, AdmissionListener {

    static final String DELIVERIES = "provisioning.event.deliveries";
    static final String PENDING = "provisioning.event.deliveries.pending";
    static final String DELIVERY_TIME = "provisioning.event.delivery";
    static final String ADMISSIONS = "provisioning.enrollment.admissions";

    private static final Logger log = LoggerFactory.getLogger(EventMetrics.class);

    private final MeterRegistry registry;
    private final Timer deliveryTime;

    EventMetrics(MeterRegistry registry, EventDispatcher dispatcher) {
        this.registry = registry;
        this.deliveryTime = Timer.builder(DELIVERY_TIME).description("How long an event receiver took to answer a delivery")
                .register(registry);
        Gauge.builder(PENDING, dispatcher, EventMetrics::backlog)
                .description("Event deliveries waiting (pending or being retried), over all replicas").register(registry);
    }

    private static double backlog(EventDispatcher dispatcher) {
        try {
            return dispatcher.backlog();
        } catch (RuntimeException e) {
            return Double.NaN; // the database away: no figure rather than a wrong one
        }
    }

    @Override
    public void attempted(String outcome, Duration took) {
        try {
            Counter.builder(DELIVERIES).description("Event delivery attempts by outcome (delivered, failed, dead)")
                    .tag("outcome", outcome).register(registry).increment();
            deliveryTime.record(took);
        } catch (RuntimeException e) {
            log.debug("Could not count an event delivery", e);
        }
    }

    @Override
    public void admission(String mechanism, String outcome) {
        try {
            Counter.builder(ADMISSIONS).description("First contacts an enrollment group covered, by mechanism and outcome")
                    .tag("mechanism", mechanism).tag("outcome", outcome).register(registry).increment();
        } catch (RuntimeException e) {
            log.debug("Could not count an admission", e);
        }
    }
}
