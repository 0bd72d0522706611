package io.lwm2m.provisioning.app;

import io.lwm2m.provisioning.api.imports.ImportEvents;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/** Import rows by outcome ({@code provisioning_import_rows_total}), counted per committed batch. */
@Component
class ImportMetrics implements ImportEvents {

    static final String ROWS = "provisioning.import.rows";

    private static final Logger log = LoggerFactory.getLogger(ImportMetrics.class);

    private final MeterRegistry registry;

    ImportMetrics(MeterRegistry registry) {
        this.registry = registry;
        for (String outcome : new String[] {"created", "exists-identical", "conflict", "invalid"}) {
            counter(outcome, false);
        }
    }

    @Override
    public void rows(String outcome, boolean dryRun, long count) {
        try {
            counter(outcome, dryRun).increment(count);
        } catch (RuntimeException e) {
            log.debug("Could not count import rows", e);
        }
    }

    private Counter counter(String outcome, boolean dryRun) {
        return Counter.builder(ROWS)
                .description("Rows of bulk imports, by outcome; dry runs counted apart")
                .tag("outcome", outcome)
                .tag("dry_run", Boolean.toString(dryRun))
                .register(registry);
    }
}
