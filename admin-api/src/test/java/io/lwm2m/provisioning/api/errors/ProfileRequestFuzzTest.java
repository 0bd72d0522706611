package io.lwm2m.provisioning.api.errors;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.lwm2m.provisioning.bootstrap.lwm2m.SecurityMode;
import io.lwm2m.provisioning.bootstrap.profiles.ProfileDefinition;
import io.lwm2m.provisioning.bootstrap.profiles.ProfileService;
import io.lwm2m.provisioning.bootstrap.servers.DmServer;
import io.lwm2m.provisioning.bootstrap.servers.NewDmServer;
import io.lwm2m.provisioning.errors.FieldProblems;
import java.time.Instant;
import java.util.Map;

/**
 * Fuzzes {@code POST /api/v1/profiles} bodies against two known DM servers (ProfileService's
 * rules without its database lookup): refused as documented, or a definition that survives what
 * the server does with it: stored as JSON and read back unchanged, merged with overrides.
 */
class ProfileRequestFuzzTest {

    /** The body of {@code POST /api/v1/profiles}, as ProfilesController reads it. */
    record ProfileBody(String name, String description, ProfileDefinition definition) {
    }

    private static final Map<String, DmServer> KNOWN = Map.of(
            "dm-1", new DmServer(new NewDmServer("dm-1", "coaps://dm.example:5684", 101, 300, "U", SecurityMode.PSK, true, null,
                    null, null), Instant.EPOCH),
            "dm-2", new DmServer(new NewDmServer("dm-2", "coap://dm.example:5683", 102, 300, "UQ", SecurityMode.NOSEC, true, null,
                    null, null), Instant.EPOCH));

    @FuzzTest(maxDuration = "5s")
    void aProfileBodyIsRefusedOrUsable(byte[] body) {
        ProfileDefinition definition = RequestBodies.accept(body, ProfileBody.class, ProfileRequestFuzzTest::validate);
        if (definition == null) {
            return;
        }
        String stored = ProfileService.json(definition);
        RequestBodies.require(stored.equals(ProfileService.json(ProfileService.parse(stored))), "stored and read back unchanged", stored);
        definition.overriddenBy(definition);
    }

    private static ProfileDefinition validate(ProfileBody body) {
        FieldProblems problems = new FieldProblems();
        ProfileService.check(body.name(), body.description(), body.definition(), KNOWN, problems);
        problems.throwIfAny();
        return body.definition();
    }
}
