package io.lwm2m.provisioning.bootstrap.devices;

import java.time.Instant;

/** A device as lists show it: no credentials. {@code id} is internal, for paging. */
public record DeviceSummary(long id, String endpoint, DeviceState state, String profile, Instant createdAt, Instant updatedAt,
        java.util.List<String> labels) {
}
