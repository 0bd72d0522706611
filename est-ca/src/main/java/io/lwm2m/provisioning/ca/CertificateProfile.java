package io.lwm2m.provisioning.ca;

import java.time.Duration;
import java.util.Objects;

/** What kind of end-entity certificate to issue and for how long. */
public record CertificateProfile(String name, Duration validity, Purpose purpose) {

    /** Decides the extended key usage: a device is a TLS/DTLS client, a server is a TLS/DTLS server. */
    public enum Purpose {
        /** Extended key usage clientAuth. */
        DEVICE,
        /** Extended key usage serverAuth. */
        SERVER
    }

    public CertificateProfile {
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("profile name must not be blank");
        }
        Objects.requireNonNull(purpose, "profile purpose must be given");
        if (validity == null || validity.isNegative() || validity.isZero()) {
            throw new IllegalArgumentException("profile '" + name + "': validity must be positive, not " + validity);
        }
    }

    public static CertificateProfile device(Duration validity) {
        return new CertificateProfile("device", validity, Purpose.DEVICE);
    }

    public static CertificateProfile server(Duration validity) {
        return new CertificateProfile("server", validity, Purpose.SERVER);
    }
}
