package io.lwm2m.provisioning.bootstrap.sessions;

import java.util.Optional;

/**
 * Where sessions are recorded (every start, end and refusal, ARCHITECTURE §3.1.6), and what the
 * record tells a later session. Implemented by the history's persistence; never blocks a session
 * on the database.
 */
public interface SessionHistory {

    /** A session started (it may supersede a running one of the same device). */
    void begin(SessionStart start);

    /** The session that {@code start} began ended. */
    void finish(SessionStart start, SessionEnd end);

    /** A request was refused before any session started; audited with its reason. */
    void refuse(SessionStart start, ResponseCode code, BootstrapFailure failure, String reason);

    /** Where the device's client keeps its bootstrap account, as the latest Discover that showed it said. */
    Optional<Integer> learnedBootstrapAccountInstance(long deviceId);
}
