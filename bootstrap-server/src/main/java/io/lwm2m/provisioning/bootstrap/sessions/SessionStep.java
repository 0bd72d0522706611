package io.lwm2m.provisioning.bootstrap.sessions;

import java.time.Instant;

/**
 * One request the server sent in a session, and what the client answered (null: no answer, with
 * the cause in {@code detail}).
 */
public record SessionStep(String operation, String path, ResponseCode responseCode, String detail, Instant sentAt,
        Integer durationMs) {
}
