package io.lwm2m.provisioning.bootstrap.devices;

import java.util.List;

/**
 * What became of one device of a bulk registration. {@code issued} holds the credentials created
 * for it (bootstrap first), with their generated secrets: handed out once, like
 * {@link DeviceRegistration}; empty unless {@link Outcome#CREATED} and not a dry run.
 */
public record BatchResult(long line, String endpoint, Outcome outcome, String reason, List<IssuedCredential> issued) {

    public enum Outcome {
        /** Registered now (or, in a dry run, would be). */
        CREATED,
        /** A device with this endpoint exists with the same profile, bootstrap mode, supplied credential and labels. */
        EXISTS_IDENTICAL,
        /** Clashes with an existing device or credential (endpoint or PSK identity taken, different settings). */
        CONFLICT,
        /** The row itself is wrong (unknown profile, bad value). */
        INVALID
    }

    public BatchResult {
        issued = issued == null ? List.of() : List.copyOf(issued);
    }

    public static BatchResult of(long line, String endpoint, Outcome outcome, String reason) {
        return new BatchResult(line, endpoint, outcome, reason, List.of());
    }

    @Override
    public String toString() {
        return "BatchResult[" + line + ", " + endpoint + ", " + outcome + ", " + reason + "]";
    }
}
