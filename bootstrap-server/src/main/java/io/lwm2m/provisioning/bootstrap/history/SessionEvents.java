package io.lwm2m.provisioning.bootstrap.history;

import io.lwm2m.provisioning.bootstrap.sessions.BootstrapFailure;
import io.lwm2m.provisioning.bootstrap.sessions.SessionEnd;
import io.lwm2m.provisioning.bootstrap.sessions.SessionOutcome;
import io.lwm2m.provisioning.bootstrap.sessions.SessionStart;
import io.lwm2m.provisioning.events.Event;
import io.lwm2m.provisioning.events.EventTypes;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/** The events of bootstrap sessions: one that ended (succeeded or failed), or a request refused, of a known device. */
final class SessionEvents {

    private SessionEvents() {
    }

    static Event ended(SessionStart start, SessionEnd end) {
        Map<String, Object> data = facts(start);
        data.put("outcome", end.outcome().name());
        if (end.failure() != null) {
            data.put("failure", end.failure().name());
            data.put("reason", end.reason());
        }
        data.put("lwm2mVersion", end.lwm2mVersion());
        data.put("durationMs", Duration.between(start.startedAt(), end.endedAt()).toMillis());
        String type = end.outcome() == SessionOutcome.SUCCEEDED ? EventTypes.BOOTSTRAP_SUCCEEDED : EventTypes.BOOTSTRAP_FAILED;
        return Event.ofDevice(type, start.endpoint(), null, data);
    }

    static Event refused(SessionStart start, BootstrapFailure failure, String reason) {
        Map<String, Object> data = facts(start);
        data.put("outcome", "REFUSED");
        data.put("failure", failure.name());
        data.put("reason", reason);
        return Event.ofDevice(EventTypes.BOOTSTRAP_FAILED, start.endpoint(), null, data);
    }

    private static Map<String, Object> facts(SessionStart start) {
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("endpoint", start.endpoint());
        data.put("session", start.id().toString());
        data.put("securityMode", start.securityMode().name());
        data.put("peer", start.peerAddress());
        return data;
    }
}
