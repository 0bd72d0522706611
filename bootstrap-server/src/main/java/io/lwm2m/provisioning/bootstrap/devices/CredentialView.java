package io.lwm2m.provisioning.bootstrap.devices;

import io.lwm2m.provisioning.bootstrap.credentials.CredentialStatus;
import io.lwm2m.provisioning.bootstrap.credentials.DeviceCredential;
import io.lwm2m.provisioning.bootstrap.lwm2m.SecurityMode;
import java.time.Instant;

/**
 * A credential without its secret: what reads may show. {@code server} is null for bootstrap;
 * {@code publicKey} (SubjectPublicKeyInfo DER) and {@code certificate} (DER) are public parts.
 */
public record CredentialView(long id, String server, SecurityMode mode, String identity, byte[] publicKey,
        byte[] certificate, String certificateSerial, CredentialStatus status, Instant createdAt) {

    static CredentialView of(DeviceCredential c) {
        return new CredentialView(c.id(), c.server() == null ? null : c.server().name(), c.mode(), c.pskIdentity(),
                c.publicKey(), c.certificate(), c.certificateSerial(), c.status(), c.createdAt());
    }
}
