package io.lwm2m.provisioning.api.jobs;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The background jobs' queue (imports and fleet actions). The names keep their {@code provisioning.imports}
 * prefix, which they had before fleet actions shared the queue.
 *
 * @param lease        how long a replica owns a running job without committing a batch
 * @param pollInterval how often queued jobs and jobs with an expired lease are looked for
 */
@ConfigurationProperties("provisioning.imports")
public record JobSettings(@DefaultValue("30s") Duration lease, @DefaultValue("5s") Duration pollInterval) {

    public JobSettings {
        for (Duration value : new Duration[] {lease, pollInterval}) {
            if (value.isNegative() || value.isZero()) {
                throw new IllegalArgumentException("provisioning.imports.lease and .poll-interval must be positive durations, not " + value);
            }
        }
    }
}
