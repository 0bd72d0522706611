package io.lwm2m.provisioning.api.devices;

import io.lwm2m.provisioning.api.Pages;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.UUID;

/**
 * Where a page of a device's sessions (newest first) resumes: after the session started at {@code before}
 * with id {@code after}. The API and the console page by the same cursor.
 */
public record SessionCursor(Instant before, UUID after) {

    /** The first page: both null. */
    public static final SessionCursor FIRST = new SessionCursor(null, null);

    /** The opaque cursor of a page ({@link Pages#key}); the first page without one; 400 for one that is not ours. */
    public static SessionCursor parse(String cursor) {
        String key = Pages.key(cursor);
        if (key == null) {
            return FIRST;
        }
        int bar = key.indexOf('|');
        try {
            return new SessionCursor(Instant.parse(key.substring(0, Math.max(bar, 0))), UUID.fromString(key.substring(bar + 1)));
        } catch (DateTimeParseException | IllegalArgumentException e) {
            throw Pages.badCursor();
        }
    }

    /** The key a page ending with the session started at {@code startedAt} with {@code id} hands on. */
    public static String keyOf(Instant startedAt, UUID id) {
        return startedAt + "|" + id;
    }
}
