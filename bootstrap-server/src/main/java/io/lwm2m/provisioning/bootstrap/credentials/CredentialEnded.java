package io.lwm2m.provisioning.bootstrap.credentials;

/**
 * A credential stopped authenticating (retired or revoked). The transport listens, to drop the
 * DTLS connections the device still holds, so its next request needs a new handshake.
 */
public record CredentialEnded(long credentialId, CredentialChannel channel, String endpoint) {
}
