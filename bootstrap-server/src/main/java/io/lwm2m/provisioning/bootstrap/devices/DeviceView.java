package io.lwm2m.provisioning.bootstrap.devices;

import io.lwm2m.provisioning.errors.NotFoundException;
import java.time.Instant;
import java.util.List;
import java.util.stream.Stream;

/** A device as reads show it: no key material, ever. */
public record DeviceView(String endpoint, DeviceState state, String profile, List<String> servers, Instant createdAt,
        Instant updatedAt, List<CredentialView> bootstrapCredentials, List<CredentialView> serverCredentials, List<String> labels) {

    /** One of the device's live credentials. */
    public CredentialView credential(long id) {
        return Stream.concat(bootstrapCredentials.stream(), serverCredentials.stream()).filter(c -> c.id() == id)
                .findFirst().orElseThrow(() -> new NotFoundException("device '" + endpoint + "' has no live credential " + id));
    }
}
