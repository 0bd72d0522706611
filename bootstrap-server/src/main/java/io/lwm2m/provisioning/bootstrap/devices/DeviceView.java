package io.lwm2m.provisioning.bootstrap.devices;

import java.time.Instant;
import java.util.List;

/** A device as reads show it: no key material, ever. */
public record DeviceView(String endpoint, DeviceState state, List<String> servers, Instant createdAt,
        Instant updatedAt, List<CredentialView> bootstrapCredentials, List<CredentialView> serverCredentials) {
}
