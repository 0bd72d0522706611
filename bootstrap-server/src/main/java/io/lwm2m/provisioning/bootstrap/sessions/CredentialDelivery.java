package io.lwm2m.provisioning.bootstrap.sessions;

/**
 * What a session tells the credential lifecycle (ARCHITECTURE §3.4): a rotated bootstrap credential
 * proved in use by a handshake. The pending credentials a successful session delivered go with its
 * history row instead ({@link SessionEnd#deliveredCredentialIds()}), which survives a database outage.
 */
public interface CredentialDelivery {

    /** A device authenticated with this (pending) bootstrap credential. */
    void authenticatedWith(long credentialId);
}
