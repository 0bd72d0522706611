package io.lwm2m.provisioning.events;

import java.util.List;

/**
 * The CloudEvents {@code type}s this server emits. Reverse-DNS names, as CloudEvents 1.0 recommends;
 * a subscription names them exactly or by a prefix ending in {@code *}
 * ({@code io.lwm2m.provisioning.credential.*}).
 */
public final class EventTypes {

    private static final String PREFIX = "io.lwm2m.provisioning.";

    /** An enrollment group admitted a device on its first contact. */
    public static final String DEVICE_ADMITTED = PREFIX + "device.admitted";
    /** A bootstrap session ended with Bootstrap-Finish acknowledged (or a Bootstrap-Pack was answered). */
    public static final String BOOTSTRAP_SUCCEEDED = PREFIX + "bootstrap.succeeded";
    /** A bootstrap session of a known device failed, or its Bootstrap-Request was refused. */
    public static final String BOOTSTRAP_FAILED = PREFIX + "bootstrap.failed";
    /** The CA issued a certificate (registration, EST enrollment, rotation). */
    public static final String CERTIFICATE_ISSUED = PREFIX + "certificate.issued";
    /** The CA revoked a certificate. */
    public static final String CERTIFICATE_REVOKED = PREFIX + "certificate.revoked";
    /** A credential was rotated: a new one is pending beside the active one (the DM server may trigger a bootstrap). */
    public static final String CREDENTIAL_ROTATED = PREFIX + "credential.rotated";
    /** A pending credential became the active one (confirmed by the DM server, first used, or its grace period passed). */
    public static final String CREDENTIAL_CONFIRMED = PREFIX + "credential.confirmed";
    /** A credential was revoked. */
    public static final String CREDENTIAL_REVOKED = PREFIX + "credential.revoked";
    /** A bulk import job finished (succeeded or failed). */
    public static final String IMPORT_FINISHED = PREFIX + "import.finished";

    /** Every type, for validating subscriptions. */
    public static final List<String> ALL = List.of(DEVICE_ADMITTED, BOOTSTRAP_SUCCEEDED, BOOTSTRAP_FAILED, CERTIFICATE_ISSUED,
            CERTIFICATE_REVOKED, CREDENTIAL_ROTATED, CREDENTIAL_CONFIRMED, CREDENTIAL_REVOKED, IMPORT_FINISHED);

    private EventTypes() {
    }

    /** Whether a subscription's {@code filter} (a type, or a prefix ending in {@code *}) takes {@code type}. */
    public static boolean matches(String filter, String type) {
        return filter.endsWith("*") ? type.startsWith(filter.substring(0, filter.length() - 1)) : filter.equals(type);
    }
}
