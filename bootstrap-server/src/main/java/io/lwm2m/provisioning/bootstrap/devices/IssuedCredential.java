package io.lwm2m.provisioning.bootstrap.devices;

import io.lwm2m.provisioning.bootstrap.credentials.NewCredential;

/**
 * A credential as handed out once, in the response that created it: the only time its secret
 * leaves the server. {@code server} is null for the bootstrap credential.
 */
public record IssuedCredential(String server, long credentialId, NewCredential credential) {

    @Override
    public String toString() {
        return "IssuedCredential[" + (server == null ? "bootstrap" : server) + ", " + credential + "]";
    }
}
