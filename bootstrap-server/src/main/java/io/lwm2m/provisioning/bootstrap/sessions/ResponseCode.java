package io.lwm2m.provisioning.bootstrap.sessions;

/**
 * A CoAP response code (RFC 7252 §12.1.2) as the bootstrap interface uses it: class and detail,
 * written {@code 2.04}. A value, not an enum: a client may answer any code, assigned or not.
 */
public record ResponseCode(int codeClass, int detail) {

    public static final ResponseCode CREATED = new ResponseCode(2, 1);
    public static final ResponseCode DELETED = new ResponseCode(2, 2);
    public static final ResponseCode CHANGED = new ResponseCode(2, 4);
    public static final ResponseCode CONTENT = new ResponseCode(2, 5);
    public static final ResponseCode BAD_REQUEST = new ResponseCode(4, 0);
    public static final ResponseCode NOT_FOUND = new ResponseCode(4, 4);
    public static final ResponseCode METHOD_NOT_ALLOWED = new ResponseCode(4, 5);
    public static final ResponseCode NOT_ACCEPTABLE = new ResponseCode(4, 6);
    public static final ResponseCode UNSUPPORTED_CONTENT_FORMAT = new ResponseCode(4, 15);
    public static final ResponseCode TOO_MANY_REQUESTS = new ResponseCode(4, 29);
    public static final ResponseCode INTERNAL_SERVER_ERROR = new ResponseCode(5, 0);
    public static final ResponseCode SERVICE_UNAVAILABLE = new ResponseCode(5, 3);

    public ResponseCode {
        if (codeClass < 0 || codeClass > 7 || detail < 0 || detail > 31) {
            throw new IllegalArgumentException("not a CoAP code: " + codeClass + "." + detail);
        }
    }

    public boolean isSuccess() {
        return codeClass == 2;
    }

    public boolean isClientError() {
        return codeClass == 4;
    }

    /** Reads {@code 2.04}, as {@link #toString()} writes it. */
    public static ResponseCode parse(String text) {
        int dot = text.indexOf('.');
        if (dot != 1 || text.length() != 4) {
            throw new IllegalArgumentException("not a CoAP code: " + text);
        }
        return new ResponseCode(Integer.parseInt(text.substring(0, 1)), Integer.parseInt(text.substring(2)));
    }

    @Override
    public String toString() {
        return codeClass + (detail < 10 ? ".0" : ".") + detail;
    }
}
