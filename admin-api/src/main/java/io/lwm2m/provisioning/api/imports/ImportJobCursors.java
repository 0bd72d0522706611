package io.lwm2m.provisioning.api.imports;

import io.lwm2m.provisioning.api.Pages;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.UUID;

/** The cursor of a page of import jobs: the last job's creation time and id, newest first. */
public final class ImportJobCursors {

    private ImportJobCursors() {
    }

    /** The sort key of {@code job}, for {@link Pages#of}. */
    public static String key(ImportJob job) {
        return job.createdAt() + "|" + job.id();
    }

    /** Where the page after {@code cursor} starts; null for no cursor. */
    public static ImportJobs.ImportJobCursor parse(String cursor) {
        String key = Pages.key(cursor);
        if (key == null) {
            return null;
        }
        int bar = key.indexOf('|');
        try {
            return new ImportJobs.ImportJobCursor(Instant.parse(key.substring(0, Math.max(bar, 0))),
                    UUID.fromString(key.substring(bar + 1)));
        } catch (DateTimeParseException | IllegalArgumentException e) {
            throw Pages.badCursor();
        }
    }
}
