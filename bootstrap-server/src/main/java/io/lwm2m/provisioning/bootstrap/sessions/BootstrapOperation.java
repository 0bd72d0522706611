package io.lwm2m.provisioning.bootstrap.sessions;

/** The operations a bootstrap server sends (LwM2M Core §6.1), with the CoAP method each uses. */
public enum BootstrapOperation {
    DISCOVER("GET"),
    DELETE("DELETE"),
    WRITE("PUT"),
    FINISH("POST");

    private final String method;

    BootstrapOperation(String method) {
        this.method = method;
    }

    public String method() {
        return method;
    }

    /** The spec's name, as session records show it. */
    public String specName() {
        return switch (this) {
            case DISCOVER -> "Bootstrap-Discover";
            case DELETE -> "Bootstrap-Delete";
            case WRITE -> "Bootstrap-Write";
            case FINISH -> "Bootstrap-Finish";
        };
    }
}
