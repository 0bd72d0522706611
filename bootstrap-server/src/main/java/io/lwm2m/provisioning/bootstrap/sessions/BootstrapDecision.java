package io.lwm2m.provisioning.bootstrap.sessions;

import io.lwm2m.provisioning.bootstrap.devices.DeviceBootstrapConfig;
import io.lwm2m.provisioning.bootstrap.lwm2m.InstanceEncoder;

/** What to answer a Bootstrap-Request: 2.04 and a session, or a refusal. */
public sealed interface BootstrapDecision {

    /** Answer 2.04 and run {@code session}. */
    record Accepted(SessionStart start, DeviceBootstrapConfig config, InstanceEncoder encoder) implements BootstrapDecision {
    }

    /**
     * Answer {@code responseCode} (4.00 or 4.15) and nothing else: the reason goes to the session
     * record and the audit log only, never to the peer.
     */
    record Refused(String responseCode, String reason) implements BootstrapDecision {
    }
}
