package io.lwm2m.provisioning.crypto;

/** A stored secret cannot be opened: its KEK is missing, or the row was altered. Never carries the secret. */
public class SecretUnavailableException extends RuntimeException {

    public SecretUnavailableException(String message) {
        super(message);
    }

    public SecretUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
