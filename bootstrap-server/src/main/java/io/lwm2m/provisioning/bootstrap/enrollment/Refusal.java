package io.lwm2m.provisioning.bootstrap.enrollment;

/** Why a group refused a device that proved it holds the group's trust anchor (the record's {@code refusal}). */
enum Refusal {
    /** The group is disabled: it admits nobody new. */
    DISABLED,
    /** The group admitted as many devices as its limit allows. */
    LIMIT_REACHED,
    /** The attested endpoint breaks the endpoint grammar or the group's endpoint pattern. */
    ENDPOINT_NOT_ADMISSIBLE,
    /** The request names another endpoint ({@code ep}) than the one the credential attests. */
    ENDPOINT_MISMATCH,
    /** A device with this endpoint exists and this credential is not its live one (revoked, deleted, or another device's). */
    DEVICE_EXISTS,
    /** No profile could be allocated (no rule matched, the webhook failed without a fallback, a profile gone). */
    NOT_ALLOCATED
}
