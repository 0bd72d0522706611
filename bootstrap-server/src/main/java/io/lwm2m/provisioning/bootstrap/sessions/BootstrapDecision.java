package io.lwm2m.provisioning.bootstrap.sessions;

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
     * Answer {@code code} (4.00, 4.15, ...) and nothing else: the failure and the reason go to the
     * session record and the audit log only, never to the peer.
     */
    record Refused(ResponseCode code, BootstrapFailure failure, String reason) implements BootstrapDecision {

        /** Whether the client caused it (what it sent), as opposed to a policy or this server: the rate limit counts those. */
        public boolean clientCaused() {
            return failure.category() == BootstrapFailure.Category.REFUSED && failure != BootstrapFailure.PACK_FORBIDDEN
                    && failure != BootstrapFailure.BOOTSTRAP_ACCOUNT_UNKNOWN && failure != BootstrapFailure.NOT_ADMITTED;
        }
    }
}
