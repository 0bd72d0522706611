package io.lwm2m.provisioning.bootstrap.devices;

import io.lwm2m.provisioning.bootstrap.credentials.CredentialStatus;
import io.lwm2m.provisioning.bootstrap.lwm2m.SecurityMode;
import java.time.Instant;

/** A credential without its secret: what reads may show. {@code server} is null for bootstrap. */
public record CredentialView(long id, String server, SecurityMode mode, String identity, CredentialStatus status,
        Instant createdAt) {
}
