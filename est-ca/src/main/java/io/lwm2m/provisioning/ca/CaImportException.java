package io.lwm2m.provisioning.ca;

/** An operator-supplied CA (certificates and key) cannot be used; the message says which rule it breaks. */
public class CaImportException extends RuntimeException {

    public CaImportException(String message) {
        super(message);
    }

    /** The cause must not carry key material in its message; callers pass only parser/provider exceptions. */
    public CaImportException(String message, Throwable cause) {
        super(message, cause);
    }
}
