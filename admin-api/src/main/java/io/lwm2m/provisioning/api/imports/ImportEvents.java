package io.lwm2m.provisioning.api.imports;

/** What import jobs report for metrics; implemented by the application, never throws. */
public interface ImportEvents {

    /** {@code count} rows of a committed batch ended with {@code outcome} (created, exists-identical, conflict, invalid). */
    void rows(String outcome, boolean dryRun, long count);
}
