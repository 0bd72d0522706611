package io.lwm2m.provisioning.bootstrap.sessions;

/** No answer came from the client: it timed out, reset the exchange, or could not be sent to. */
public class ClientUnreachableException extends RuntimeException {

    public ClientUnreachableException(String message) {
        super(message, null, false, false);
    }
}
