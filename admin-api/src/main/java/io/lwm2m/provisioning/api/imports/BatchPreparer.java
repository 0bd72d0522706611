package io.lwm2m.provisioning.api.imports;

import io.lwm2m.provisioning.bootstrap.devices.BatchEntry;
import io.lwm2m.provisioning.bootstrap.devices.BatchResult;
import io.lwm2m.provisioning.bootstrap.devices.BulkRegistration;
import io.lwm2m.provisioning.bootstrap.devices.ResolvedProfiles;
import io.lwm2m.provisioning.crypto.SecretCipher;
import java.io.InputStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;
import tools.jackson.databind.json.JsonMapper;

/**
 * The reading half of an import's pipeline: reads the upload from the job's position, parses its
 * rows and prepares each batch (credentials generated and sealed) while the batches before it commit.
 */
@Component
class BatchPreparer {

    /** How long a job's batches reuse a resolved profile (decision 017). */
    private static final Duration PROFILES_MAX_AGE = Duration.ofSeconds(2);

    private final ImportSpool spool;
    private final BulkRegistration registration;
    private final SecretCipher cipher;
    private final JsonMapper json;
    private final int batchSize;

    BatchPreparer(ImportSpool spool, BulkRegistration registration, SecretCipher cipher, JsonMapper json,
            @Value("${provisioning.imports.batch-size:1000}") int batchSize) {
        this.spool = spool;
        this.registration = registration;
        this.cipher = cipher;
        this.json = json;
        this.batchSize = batchSize;
    }

    /**
     * Puts the job's batches into {@code ready}, in file order, then {@link Preparation.EndOfUpload}
     * or, if reading fails, {@link Preparation.Failed}. Returns early when interrupted.
     */
    void prepareAll(ImportJob job, BlockingQueue<Preparation> ready) {
        try (InputStream in = spool.open(job.id(), job.nextOffset(), job.uploadChunks())) {
            ImportRows rows = new ImportRows(job.csv() ? job.columns() : null, json);
            ResolvedProfiles profiles = new ResolvedProfiles(PROFILES_MAX_AGE);
            RecordReader reader = new RecordReader(in, job.csv(), job.nextOffset(), job.nextLine());
            if (job.csv()) {
                reader.expecting(job.columns().size(), ImportRows.multilineColumns(job.columns()));
            }
            while (!Thread.currentThread().isInterrupted()) {
                List<RecordReader.Record> records = new ArrayList<>(batchSize);
                RecordReader.Record record;
                while (records.size() < batchSize && (record = reader.next()) != null) {
                    records.add(record);
                }
                if (records.isEmpty()) {
                    ready.put(new Preparation.EndOfUpload());
                    return;
                }
                ready.put(prepare(job, rows, profiles, records));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Throwable e) {
            try {
                ready.put(new Preparation.Failed(e));
            } catch (InterruptedException interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private Preparation.Batch prepare(ImportJob job, ImportRows rows, ResolvedProfiles profiles,
            List<RecordReader.Record> records) {
        List<BatchEntry> entries = new ArrayList<>(records.size());
        List<BatchResult> invalid = new ArrayList<>();
        Set<Long> supplied = new HashSet<>();
        Set<String> keys = new HashSet<>(records.size() * 2);
        for (RecordReader.Record record : records) {
            if (record.problem() != null) {
                invalid.add(BatchResult.of(record.line(), null, BatchResult.Outcome.INVALID, record.problem()));
                continue;
            }
            ImportRows.Row row = rows.parse(record);
            if (row.problem() != null) {
                invalid.add(BatchResult.of(record.line(), row.endpoint(), BatchResult.Outcome.INVALID, row.problem()));
            } else {
                entries.add(new BatchEntry(record.line(), row.device()));
                keys.add(row.device().endpoint());
                if (row.device().pskIdentity() != null) {
                    keys.add("\0psk:" + row.device().pskIdentity());
                }
                if (row.device().rpkPublicKey() != null) {
                    keys.add("\0rpk:" + Base64.getEncoder().encodeToString(row.device().rpkPublicKey().getEncoded()));
                }
                if (row.device().pskKey() != null) {
                    supplied.add(record.line());
                }
            }
        }
        // The batch's secrets share one data key, each still wrapped under its own row's context (decision 013).
        try (SecretCipher.SharedDataKey shared = cipher.shareDataKeys()) {
            return new Preparation.Batch(records, invalid, registration.prepare(entries, job.dryRun(), job.actor(), profiles),
                    supplied, keys);
        }
    }
}
