package io.lwm2m.provisioning.bootstrap.events;

import io.lwm2m.provisioning.bootstrap.settings.EventSettings;
import java.time.Clock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Transactional;

/** Removes delivered and dead deliveries older than {@code provisioning.events.retention}, hourly, one replica at a time. */
@Component
class EventRetention {

    private static final Logger log = LoggerFactory.getLogger(EventRetention.class);
    private static final long PURGE_LOCK = 0x6576656e7450L; // "eventP"

    private final Deliveries deliveries;
    private final JdbcTemplate jdbc;
    private final EventSettings settings;
    private final Clock clock;

    EventRetention(Deliveries deliveries, JdbcTemplate jdbc, EventSettings settings, Clock clock) {
        this.deliveries = deliveries;
        this.jdbc = jdbc;
        this.settings = settings;
        this.clock = clock;
    }

    @Scheduled(fixedDelay = 3_600_000, initialDelay = 60_000)
    @Transactional
    public void purge() {
        if (!Boolean.TRUE.equals(jdbc.queryForObject("SELECT pg_try_advisory_xact_lock(?)", Boolean.class, PURGE_LOCK))) {
            return;
        }
        int removed = deliveries.purge(clock.instant().minus(settings.retention()));
        if (removed > 0) {
            log.info("Removed {} event deliveries that ended more than {} ago", removed, settings.retention());
        }
    }
}
