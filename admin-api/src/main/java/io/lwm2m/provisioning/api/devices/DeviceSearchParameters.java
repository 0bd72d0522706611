package io.lwm2m.provisioning.api.devices;

import io.lwm2m.provisioning.bootstrap.devices.DeviceSearch;
import io.lwm2m.provisioning.bootstrap.devices.DeviceState;
import io.lwm2m.provisioning.errors.FieldProblems;
import io.lwm2m.provisioning.errors.InputText;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/** A device search from request parameters, by the same rules for the API's list and the console's search. */
public final class DeviceSearchParameters {

    private static final int MAX_SEARCH_TERM = 64;

    private DeviceSearchParameters() {
    }

    /** The search the list's parameters describe; 400 naming each one that breaks its rule. */
    public static DeviceSearch of(String state, String endpointPrefix, String profile, String label) {
        FieldProblems problems = new FieldProblems();
        Set<DeviceState> states = EnumSet.of(DeviceState.ACTIVE, DeviceState.DISABLED);
        if (state != null && !state.isEmpty()) {
            try {
                states = EnumSet.of(DeviceState.valueOf(state.toUpperCase(java.util.Locale.ROOT)));
            } catch (IllegalArgumentException e) {
                problems.add("state", "must be one of " + List.of(DeviceState.values()));
            }
        }
        InputText.checkLine(problems, "endpointPrefix", endpointPrefix, MAX_SEARCH_TERM);
        InputText.checkLine(problems, "profile", profile, MAX_SEARCH_TERM);
        InputText.checkLine(problems, "label", label, MAX_SEARCH_TERM);
        problems.throwIfAny();
        return new DeviceSearch(endpointPrefix, profile, label, states);
    }
}
