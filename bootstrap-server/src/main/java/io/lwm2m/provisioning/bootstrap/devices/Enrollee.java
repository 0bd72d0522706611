package io.lwm2m.provisioning.bootstrap.devices;

/**
 * What EST needs to know about the device a client authenticated as: which it is, whether it is
 * active, and what its EST policy is made of (its profile at a version, and its overrides).
 *
 * @param profileId      null: the device has no profile (its implicit one has the default EST policy)
 * @param profileVersion the profile row's optimistic-lock version (0 without a profile)
 */
record Enrollee(long id, String endpoint, DeviceState state, Long profileId, long profileVersion, String overridesJson) {

    static Enrollee of(Device device) {
        return new Enrollee(device.id(), device.endpoint(), device.state(),
                device.profile() == null ? null : device.profile().id(),
                device.profile() == null ? 0 : device.profile().version(), device.overridesJson());
    }
}
