package io.lwm2m.provisioning.bootstrap.devices;

import java.util.Set;

/**
 * What to look for among devices: an endpoint prefix, a profile, a label (exact, {@code lot=42}) and
 * the states, any of the first three left out (null). Results come in endpoint order.
 */
public record DeviceSearch(String endpointPrefix, String profile, String label, Set<DeviceState> states) {

    public DeviceSearch {
        endpointPrefix = endpointPrefix == null || endpointPrefix.isEmpty() ? null : endpointPrefix;
        profile = profile == null || profile.isEmpty() ? null : profile;
        label = label == null || label.isEmpty() ? null : label;
        states = Set.copyOf(states);
    }

    /** Whether any of prefix, profile and label is given (a plain list is in registration order instead). */
    public boolean narrowed() {
        return endpointPrefix != null || profile != null || label != null;
    }
}
