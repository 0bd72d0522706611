package io.lwm2m.provisioning.bootstrap.devices;

import io.lwm2m.provisioning.bootstrap.profiles.EffectiveProfile;
import io.lwm2m.provisioning.bootstrap.profiles.Profile;

/** A profile named by rows of a bulk registration, resolved once per batch: usable, or why not. */
sealed interface ProfileResolution {

    /** The profile, its DM servers, and what its devices get. */
    record Usable(Profile profile, EffectiveProfile effective) implements ProfileResolution {
    }

    /** The profile cannot be used (unknown, or its DM servers are gone); {@code reason} is what its rows report. */
    record Unusable(String reason) implements ProfileResolution {
    }
}
