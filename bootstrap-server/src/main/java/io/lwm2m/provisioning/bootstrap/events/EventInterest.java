package io.lwm2m.provisioning.bootstrap.events;

import io.lwm2m.provisioning.bootstrap.settings.EventSettings;
import io.lwm2m.provisioning.events.EventTypes;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/**
 * Which event types any enabled subscription takes, as this replica last read them: a change whose
 * event nobody wants writes no event at all, so the bootstrap path pays nothing for events until
 * someone subscribes. Re-read every {@code provisioning.events.interest-refresh} and at once after a
 * subscription changes here; a subscription made through another replica counts here within that time.
 */
@Component
class EventInterest {

    private static final Logger log = LoggerFactory.getLogger(EventInterest.class);

    private final JdbcTemplate jdbc;
    private volatile List<String> filters;

    EventInterest(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    /** Whether any enabled subscription takes events of {@code type}. */
    boolean wanted(String type) {
        List<String> current = filters;
        if (current == null) {
            current = refresh();
        }
        return current.stream().anyMatch(filter -> EventTypes.matches(filter, type));
    }

    @Scheduled(fixedDelayString = "${provisioning.events.interest-refresh:" + EventSettings.INTEREST_REFRESH + "}")
    void scheduledRefresh() {
        try {
            refresh();
        } catch (RuntimeException e) {
            // The database away: keep what was read last; the next round tries again.
            log.debug("Could not re-read the event subscriptions' types", e);
        }
    }

    /** Reads the types again (after a subscription changed on this replica). */
    List<String> refresh() {
        List<String> read = jdbc.queryForList("SELECT DISTINCT unnest(types) FROM event_subscriptions WHERE state = 'ENABLED'",
                String.class);
        filters = List.copyOf(read);
        return filters;
    }
}
