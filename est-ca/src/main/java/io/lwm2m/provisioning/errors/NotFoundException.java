package io.lwm2m.provisioning.errors;

/** The named resource does not exist. */
public class NotFoundException extends RuntimeException {

    public NotFoundException(String message) {
        super(message);
    }
}
