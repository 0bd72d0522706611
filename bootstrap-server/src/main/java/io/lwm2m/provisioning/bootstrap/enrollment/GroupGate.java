package io.lwm2m.provisioning.bootstrap.enrollment;

/**
 * The rules of a group a device must meet to be admitted, as one row of the group holds them: read
 * once before the allocation, and again under the group's row lock in the admitting transaction.
 */
record GroupGate(String name, EnrollmentGroup.State state, String endpointPattern, Integer deviceLimit, int admitted) {

    static GroupGate of(EnrollmentGroup group) {
        return new GroupGate(group.name(), group.state(), group.endpointPattern(), group.deviceLimit(), group.admitted());
    }

    /** A refusal and its reason. */
    record Refused(Refusal refusal, String reason) {
    }

    /** Why {@code endpoint} may not be admitted now, or null when it may. */
    Refused check(String endpoint) {
        if (state != EnrollmentGroup.State.ENABLED) {
            return new Refused(Refusal.DISABLED, "enrollment group '" + name + "' is disabled: it admits no new device");
        }
        if (!GroupSpec.admissible(endpoint, endpointPattern)) {
            return new Refused(Refusal.ENDPOINT_NOT_ADMISSIBLE, "endpoint '" + AdmissionRecords.bounded(endpoint, 80)
                    + "' " + (io.lwm2m.provisioning.bootstrap.devices.EndpointName.isValid(endpoint)
                    ? "does not match the endpoint pattern of enrollment group '" + name + "' (" + endpointPattern + ")"
                    : "breaks the endpoint grammar"));
        }
        if (deviceLimit != null && admitted >= deviceLimit) {
            return new Refused(Refusal.LIMIT_REACHED, "enrollment group '" + name + "' reached its limit of " + deviceLimit
                    + " devices");
        }
        return null;
    }
}
