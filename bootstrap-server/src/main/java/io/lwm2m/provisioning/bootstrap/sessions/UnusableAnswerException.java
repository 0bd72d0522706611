package io.lwm2m.provisioning.bootstrap.sessions;

/** The client answered, but the answer could not be taken (larger than the server takes, for one). */
public class UnusableAnswerException extends ClientUnreachableException {

    public UnusableAnswerException(String message) {
        super(message);
    }
}
