package io.lwm2m.provisioning.bootstrap.lwm2m;

import java.util.Arrays;
import java.util.Optional;

/** LwM2M Security object (/0) resource 2, Security Mode. */
public enum SecurityMode {
    PSK(0),
    RPK(1),
    X509(2),
    NOSEC(3),
    /** Certificate mode with EST: the device makes its key and enrolls after bootstrap. */
    EST(4);

    private final int code;

    SecurityMode(int code) {
        this.code = code;
    }

    /** The value of /0/x/2. */
    public int code() {
        return code;
    }

    /** Parses the API's name for a mode, case-insensitively. */
    public static Optional<SecurityMode> fromName(String name) {
        return Arrays.stream(values()).filter(m -> m.name().equalsIgnoreCase(name)).findFirst();
    }
}
