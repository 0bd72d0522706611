package io.lwm2m.provisioning.api.devices;

import io.lwm2m.provisioning.api.openapi.Operation;
import io.lwm2m.provisioning.api.auth.Roles;
import io.lwm2m.provisioning.bootstrap.devices.DeviceQueries;
import io.lwm2m.provisioning.bootstrap.handshakes.HandshakeFailures;
import java.time.Instant;
import java.util.List;
import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code GET /api/v1/devices/{endpoint}/handshake-failures}: why a device's DTLS handshakes failed
 * (a wrong key, an expired or revoked certificate...), one entry per reason with a count, the first
 * and last time and the last peer. A handshake fails before any session exists, so this is where
 * support looks when a device never bootstraps.
 */
@RestController
class HandshakeFailuresController {

    private final DeviceQueries devices;
    private final HandshakeFailures failures;

    HandshakeFailuresController(DeviceQueries devices, HandshakeFailures failures) {
        this.devices = devices;
        this.failures = failures;
    }

    @GetMapping("/api/v1/devices/{endpoint}/handshake-failures")
    @PreAuthorize(Roles.ANY)
    @Operation(id = "listHandshakeFailures", summary = "Why the device's DTLS handshakes failed, per reason")
    List<HandshakeFailureResponse> list(@PathVariable String endpoint) {
        devices.get(endpoint); // 404 for a device that does not exist
        return failures.forEndpoint(endpoint).stream().map(HandshakeFailureResponse::of).toList();
    }

    /**
     * @param reason      the reason's name, e.g. {@code WRONG_KEY}
     * @param description what it means
     * @param lastIdentity what the client last presented (PSK identity, certificate subject and serial)
     */
    record HandshakeFailureResponse(String reason, String description, long failures, Instant firstAt, Instant lastAt,
            String lastPeer, String lastIdentity) {

        static HandshakeFailureResponse of(HandshakeFailures.HandshakeFailure f) {
            return new HandshakeFailureResponse(f.reason().name(), f.reason().description(), f.failures(), f.firstAt(),
                    f.lastAt(), f.lastPeer(), f.lastIdentity());
        }
    }
}
