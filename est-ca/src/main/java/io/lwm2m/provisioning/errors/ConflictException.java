package io.lwm2m.provisioning.errors;

/** The request clashes with what is stored (a name or identity already taken); nothing was changed. */
public class ConflictException extends RuntimeException {

    private final String field;

    public ConflictException(String field, String message) {
        super(message);
        this.field = field;
    }

    public String field() {
        return field;
    }
}
