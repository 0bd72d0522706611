package io.lwm2m.provisioning.bootstrap.sessions;

import io.lwm2m.provisioning.bootstrap.lwm2m.SecurityMode;
import java.time.Instant;
import java.util.UUID;

/** The facts known when a Bootstrap-Request arrives. {@code deviceId} is null when no device matched. */
public record SessionStart(UUID id, Long deviceId, String endpoint, String peerAddress, SecurityMode securityMode,
        String identity, Integer contentFormat, Instant startedAt) {

    /** This start with the format the session really writes in. */
    public SessionStart withContentFormat(int format) {
        return new SessionStart(id, deviceId, endpoint, peerAddress, securityMode, identity, format, startedAt);
    }
}
