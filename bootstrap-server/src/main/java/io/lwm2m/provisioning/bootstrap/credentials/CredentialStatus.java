package io.lwm2m.provisioning.bootstrap.credentials;

/**
 * The life of a credential: ACTIVE authenticates; PENDING is a rotation's new credential that
 * also authenticates until the device proves it holds it; RETIRED and REVOKED never do again.
 */
public enum CredentialStatus {
    ACTIVE, PENDING, RETIRED, REVOKED;

    public boolean authenticates() {
        return this == ACTIVE || this == PENDING;
    }
}
