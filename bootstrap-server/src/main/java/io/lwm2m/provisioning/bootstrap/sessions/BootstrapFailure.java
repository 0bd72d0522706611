package io.lwm2m.provisioning.bootstrap.sessions;

/**
 * Why a Bootstrap-Request was refused or a session failed (as Leshan's BootstrapFailureCause): the
 * record and the API carry it beside the human reason, and metrics take their label from it, never
 * from a message's wording.
 */
public enum BootstrapFailure {
    /** The query could not be read (a bad {@code ep} or {@code pct}). */
    MALFORMED_REQUEST(Category.REFUSED),
    /** Plain CoAP where the device's profile requires DTLS, or no registered endpoint. */
    NOSEC_NOT_ALLOWED(Category.REFUSED),
    /** The DTLS identity belongs to no device. */
    UNKNOWN_IDENTITY(Category.REFUSED),
    /** {@code ep} names another device than the DTLS identity, or none. */
    ENDPOINT_MISMATCH(Category.REFUSED),
    /**
     * An enrollment group covers the identity of an unknown device and did not admit it (disabled,
     * at its limit, an endpoint outside its pattern, a revoked device): policy, not counted against
     * the source.
     */
    NOT_ADMITTED(Category.REFUSED),
    /** The device is disabled or deleted. */
    DEVICE_NOT_ACTIVE(Category.REFUSED),
    /** The asked content format is not one the server writes, or the profile's cannot reach this client. */
    UNSUPPORTED_CONTENT_FORMAT(Category.REFUSED),
    /** A Bootstrap-Pack the profile forbids. */
    PACK_FORBIDDEN(Category.REFUSED),
    /** A Bootstrap-Pack before any Discover showed where the client keeps its bootstrap account. */
    BOOTSTRAP_ACCOUNT_UNKNOWN(Category.REFUSED),
    /** The server stops: the client may try again elsewhere. */
    SHUTTING_DOWN(Category.SHUTDOWN),

    /** The client did not answer a request (timeout, reset, unreachable). */
    NO_ANSWER(Category.TIMEOUT),
    /** The client's answer could not be taken (larger than the server takes). */
    UNUSABLE_ANSWER(Category.CLIENT_ERROR),
    /** The client answered a request with an error code. */
    CLIENT_ERROR(Category.CLIENT_ERROR),
    /** The client answered Bootstrap-Finish with 4.06: it found the configuration inconsistent. */
    CONFIGURATION_REJECTED(Category.CLIENT_ERROR),
    /** The Discover answer is not link-format, or tells nothing usable and the profile names no bootstrap account. */
    DISCOVER_UNUSABLE(Category.CLIENT_ERROR),
    /** The configuration does not fit the client's objects (a binding, Access Control without object 2). */
    CONFIGURATION_DOES_NOT_FIT(Category.OTHER),
    /** The session's deadline passed. */
    DEADLINE(Category.TIMEOUT),
    /** A newer Bootstrap-Request or pack of the same device replaced it. */
    SUPERSEDED(Category.SUPERSEDED),
    /** The server stopped while it ran. */
    SHUTDOWN(Category.SHUTDOWN),
    /** A failure of this server. */
    INTERNAL(Category.OTHER);

    /** The coarse, stable label of the session metrics (their {@code reason} tag). */
    public enum Category {
        REFUSED("refused"), TIMEOUT("timeout"), CLIENT_ERROR("client-error"), SUPERSEDED("superseded"),
        SHUTDOWN("shutdown"), OTHER("other");

        private final String label;

        Category(String label) {
            this.label = label;
        }

        public String label() {
            return label;
        }
    }

    private final Category category;

    BootstrapFailure(Category category) {
        this.category = category;
    }

    public Category category() {
        return category;
    }
}
