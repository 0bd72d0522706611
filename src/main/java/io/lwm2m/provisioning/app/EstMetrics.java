package io.lwm2m.provisioning.app;

import io.lwm2m.provisioning.est.EstEvents;
import io.lwm2m.provisioning.est.EstOperation;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * Counts EST requests (CoAP and HTTPS) by operation and outcome: {@code issued}, {@code pending},
 * {@code served}, or the rule that refused it ({@code csr.subject}, {@code client.unknown}, ...).
 * Both labels come from fixed sets in the code, never from the client. Also sizes the groups in which
 * issued certificates' writes commit.
 */
@Component
class EstMetrics implements EstEvents {

    static final String ENROLLMENTS = "provisioning.est.requests";
    static final String ISSUANCE_GROUPS = "provisioning.est.issuance.groups";

    private static final Logger log = LoggerFactory.getLogger(EstMetrics.class);

    private final MeterRegistry registry;
    private final DistributionSummary groups;

    EstMetrics(MeterRegistry registry) {
        this.registry = registry;
        this.groups = DistributionSummary.builder(ISSUANCE_GROUPS)
                .description("Issued certificates whose writes committed in one transaction (decision 085): count is "
                        + "transactions, sum is certificates")
                .baseUnit("certificates").register(registry);
    }

    @Override
    public void issuanceGroup(int size) {
        groups.record(size);
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
