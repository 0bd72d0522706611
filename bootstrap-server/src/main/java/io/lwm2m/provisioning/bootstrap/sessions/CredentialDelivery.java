package io.lwm2m.provisioning.bootstrap.sessions;

import java.util.List;

/**
 * What a session tells the credential lifecycle (ARCHITECTURE §3.4): a rotated bootstrap credential
 * proved in use by a handshake, and pending credentials a successful session delivered.
 */
public interface CredentialDelivery {

    /** A device authenticated with this (pending) bootstrap credential. */
    void authenticatedWith(long credentialId);

    /** A successful session wrote these pending credentials into the device. */
    void delivered(List<Long> credentialIds);
}
