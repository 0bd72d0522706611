package io.lwm2m.provisioning.bootstrap.history;

import static org.assertj.core.api.Assertions.assertThat;

import io.lwm2m.provisioning.bootstrap.sessions.ResponseCode;
import io.lwm2m.provisioning.bootstrap.sessions.SessionStep;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A session's steps in their JSON column. */
class StepsJsonTest {

    @Test
    void stepsSurviveTheirJsonColumnIncludingNullsAndQuotes() {
        List<SessionStep> steps = List.of(
                new SessionStep("Bootstrap-Discover", "/", ResponseCode.CONTENT, null, Instant.parse("2026-11-25T00:32:53.716649Z"), 37),
                new SessionStep("Bootstrap-Write", "/0/1", null, "no answer: \"timed out\"\n", Instant.parse("2026-11-25T00:32:54Z"), null));

        assertThat(StepsJson.fromJson(StepsJson.toJson(steps))).isEqualTo(steps);
    }

    @Test
    void readsTheTimestampsPostgresWroteWhenMigratingOldSteps() {
        List<SessionStep> steps = StepsJson.fromJson("""
                [{"operation":"Bootstrap-Finish","path":"/bs","responseCode":"2.04","detail":null,
                  "sentAt":"2026-11-25T01:32:53.716649+01:00","durationMs":3}]""");

        assertThat(steps).containsExactly(
                new SessionStep("Bootstrap-Finish", "/bs", ResponseCode.CHANGED, null, Instant.parse("2026-11-25T00:32:53.716649Z"), 3));
        assertThat(StepsJson.fromJson("[]")).isEmpty();
    }
}
