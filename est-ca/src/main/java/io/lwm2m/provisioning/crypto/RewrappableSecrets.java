package io.lwm2m.provisioning.crypto;

/**
 * A module's table of sealed secrets, able to move every row to the current KEK. Each module that
 * stores sealed secrets provides one, so KEK rotation reaches them all without knowing their tables.
 */
public interface RewrappableSecrets {

    /** What these secrets are, for the rotation report (for example {@code device-credentials}). */
    String name();

    /** How many rows are sealed under another KEK than the current one. */
    long countNotCurrent();

    /**
     * Re-wraps every row sealed under another KEK than the current one, in small transactions, so
     * readers keep working throughout. Returns the number of rows re-wrapped.
     */
    long rewrapAll();
}
