package io.lwm2m.provisioning.app;

import io.lwm2m.provisioning.est.EstEvents;
import io.lwm2m.provisioning.est.EstOperation;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * Counts EST requests (CoAP and HTTPS) by operation and outcome: {@code issued}, {@code pending},
 * {@code served}, or the rule that refused it ({@code csr.subject}, {@code client.unknown}, ...).
 * Both labels come from fixed sets in the code, never from the client.
 */
@Component
class EstMetrics implements EstEvents {

    static final String ENROLLMENTS = "provisioning.est.requests";

    private static final Logger log = LoggerFactory.getLogger(EstMetrics.class);

    private final MeterRegistry registry;

    EstMetrics(MeterRegistry registry) {
        this.registry = registry;
    }

    @Override
    public void request(EstOperation operation, String outcome) {
        try {
            Counter.builder(ENROLLMENTS)
                    .description("EST requests by operation (crts, sen, sren, skg, skc, att) and outcome")
                    .tag("operation", operation.coapName())
                    .tag("outcome", outcome)
                    .register(registry).increment();
        } catch (RuntimeException e) {
            log.debug("Could not count an EST request", e);
        }
    }
}
