package io.lwm2m.provisioning.est;

/**
 * An EST request refused: the transport maps {@link #status()} to a CoAP or HTTP code and sends
 * {@link #getMessage()} (rule name, colon, what was wrong) as the diagnostic payload. Never carries a secret.
 */
public class EstException extends RuntimeException {

    /** What kind of refusal, independent of the transport. */
    public enum Status {
        /** CoAP 4.00, HTTP 400: the request itself is wrong (malformed CSR, bad signature, extension). */
        BAD_REQUEST,
        /** CoAP 4.01, HTTP 401: the client did not authenticate. */
        UNAUTHENTICATED,
        /** CoAP 4.03, HTTP 403: authenticated, but the rule forbids it. */
        FORBIDDEN,
        /** CoAP 4.04, HTTP 404: an unknown label. */
        NOT_FOUND
    }

    private final Status status;
    private final String rule;

    public EstException(Status status, String rule, String message) {
        super(rule + ": " + message);
        this.status = status;
        this.rule = rule;
    }

    public Status status() {
        return status;
    }

    /** The rule that failed, e.g. {@code csr.subject}; also the metrics outcome. */
    public String rule() {
        return rule;
    }
}
