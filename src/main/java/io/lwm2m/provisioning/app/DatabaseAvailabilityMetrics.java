package io.lwm2m.provisioning.app;

import io.lwm2m.provisioning.threads.WorkerPools;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.context.ApplicationListener;
import org.springframework.stereotype.Component;

/**
 * {@code provisioning_database_up}: 1 while PostgreSQL answered a {@code SELECT 1} within the last three
 * check intervals, else 0, for the "database unavailable" alert. The check runs on its own thread every
 * {@code provisioning.metrics.database-check-interval}: a connection attempt to a database that is down
 * can block for the pool's connection timeout, which must delay neither a scrape nor the scheduled jobs.
 */
@Component
@EnableConfigurationProperties(DatabaseAvailabilityMetrics.Settings.class)
class DatabaseAvailabilityMetrics implements MeterBinder, ApplicationListener<ApplicationReadyEvent>, DisposableBean {

    static final String NAME = "provisioning.database.up";

    private static final Logger log = LoggerFactory.getLogger(DatabaseAvailabilityMetrics.class);

    private final DataSource dataSource;
    private final Clock clock;
    private final Duration interval;
    private final ScheduledExecutorService checker;
    private volatile Instant lastAnswer;
    private volatile boolean failing;

    /**
     * {@code provisioning.metrics.*}.
     *
     * @param databaseCheckInterval how often this replica checks that PostgreSQL answers
     */
    @ConfigurationProperties("provisioning.metrics")
    record Settings(@DefaultValue("10s") Duration databaseCheckInterval) {

        Settings {
            if (databaseCheckInterval.isNegative() || databaseCheckInterval.isZero()) {
                throw new IllegalArgumentException("provisioning.metrics.database-check-interval must be positive, not "
                        + databaseCheckInterval);
            }
        }
    }

    DatabaseAvailabilityMetrics(DataSource dataSource, Clock clock, Settings settings, WorkerPools pools) {
        this.checker = pools.timer("database-check");
        this.dataSource = dataSource;
        this.clock = clock;
        this.interval = settings.databaseCheckInterval();
    }

    @Override
    public void bindTo(MeterRegistry registry) {
        Gauge.builder(NAME, this, DatabaseAvailabilityMetrics::up)
                .description("1 while PostgreSQL answered this replica within the last three checks, else 0")
                .strongReference(true)
                .register(registry);
    }

    /** Checks start once the server is up (the database answered its migrations by then). */
    @Override
    public void onApplicationEvent(ApplicationReadyEvent event) {
        lastAnswer = clock.instant();
        checker.scheduleWithFixedDelay(this::check, 0, interval.toMillis(), TimeUnit.MILLISECONDS);
    }

    double up() {
        Instant answered = lastAnswer;
        return answered != null && answered.isAfter(clock.instant().minus(interval.multipliedBy(3))) ? 1 : 0;
    }

    private void check() {
        try (Connection connection = dataSource.getConnection(); Statement statement = connection.createStatement()) {
            statement.setQueryTimeout((int) Math.max(1, interval.toSeconds()));
            statement.execute("SELECT 1");
            lastAnswer = clock.instant();
            if (failing) {
                failing = false;
                log.info("PostgreSQL answers again");
            }
        } catch (Exception e) {
            if (!failing) {
                failing = true;
                log.warn("PostgreSQL does not answer: {}", e.toString());
            }
        }
    }

    @Override
    public void destroy() {
        checker.shutdownNow();
    }
}
