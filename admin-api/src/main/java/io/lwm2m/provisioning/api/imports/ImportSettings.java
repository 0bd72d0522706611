package io.lwm2m.provisioning.api.imports;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;

/**
 * {@code provisioning.imports.*}: bulk import jobs (README, "Bulk import"). The lease and poll interval
 * every background job shares are {@link io.lwm2m.provisioning.api.jobs.JobSettings}.
 *
 * @param maxUploadSize   the largest upload a job accepts
 * @param batchSize       rows written per transaction
 * @param parallelBatches batches of one job written at once, each in its own transaction; they commit in file order
 * @param workers         import jobs run at once per replica
 * @param secretsTtl      how long a job's one-time secrets file can be fetched
 * @param orphanAfter     how long an upload without a job may go without a chunk or heartbeat before it counts
 *                        as abandoned (its uploader was killed) and is deleted; also how often that is looked for
 * @param cleanupInterval how often expired secrets files and the uploads of finished jobs are deleted
 */
@ConfigurationProperties("provisioning.imports")
public record ImportSettings(
        @DefaultValue("1GB") DataSize maxUploadSize,
        @DefaultValue("1000") int batchSize,
        @DefaultValue("2") int parallelBatches,
        @DefaultValue("1") int workers,
        @DefaultValue("24h") Duration secretsTtl,
        @DefaultValue(ImportSettings.ORPHAN_AFTER) Duration orphanAfter,
        @DefaultValue(ImportSettings.CLEANUP_INTERVAL) Duration cleanupInterval) {

    /** Defaults that {@code @Scheduled} placeholders also name: written once, here. */
    static final String ORPHAN_AFTER = "30s";
    static final String CLEANUP_INTERVAL = "5m";

    public ImportSettings {
        if (maxUploadSize.toBytes() <= 0) {
            throw new IllegalArgumentException("provisioning.imports.max-upload-size must be positive, not " + maxUploadSize);
        }
        atLeastOne("provisioning.imports.batch-size", batchSize);
        atLeastOne("provisioning.imports.parallel-batches", parallelBatches);
        atLeastOne("provisioning.imports.workers", workers);
        positive("provisioning.imports.secrets-ttl", secretsTtl);
        positive("provisioning.imports.cleanup-interval", cleanupInterval);
        Duration minimum = ImportSpool.HEARTBEAT.multipliedBy(3);
        if (orphanAfter.compareTo(minimum) < 0) {
            throw new IllegalArgumentException("provisioning.imports.orphan-after must be at least " + minimum
                    + " (three heartbeats of an upload in progress)");
        }
    }

    private static void positive(String property, Duration value) {
        if (value.isNegative() || value.isZero()) {
            throw new IllegalArgumentException(property + " must be a positive duration, not " + value);
        }
    }

    private static void atLeastOne(String property, int value) {
        if (value < 1) {
            throw new IllegalArgumentException(property + " must be at least 1, not " + value);
        }
    }
}
