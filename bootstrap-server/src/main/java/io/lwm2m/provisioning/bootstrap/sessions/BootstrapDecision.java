package io.lwm2m.provisioning.bootstrap.sessions;

import io.lwm2m.provisioning.bootstrap.devices.DeviceBootstrapConfig;
import io.lwm2m.provisioning.bootstrap.lwm2m.InstanceEncoder;

/** What to answer a Bootstrap-Request: 2.04 and a session, or a refusal. */
public sealed interface BootstrapDecision {

    /**
     * Answer 2.04 and run the session.
     *
     * @param clientVersion the LwM2M version the request implies ("1.0" without {@code pct}, "1.1" or
     *                      "1.2" with one), for a session whose client answers no Discover; null if unknown
     */
    record Accepted(SessionStart start, DeviceBootstrapConfig config, InstanceEncoder encoder, String clientVersion)
            implements BootstrapDecision {

        public Accepted(SessionStart start, DeviceBootstrapConfig config, InstanceEncoder encoder) {
            this(start, config, encoder, null);
        }
    }

    /**
     * Answer {@code responseCode} (4.00 or 4.15) and nothing else: the reason goes to the session
     * record and the audit log only, never to the peer.
     */
    record Refused(String responseCode, String reason) implements BootstrapDecision {
    }
}
