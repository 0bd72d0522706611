package io.lwm2m.provisioning.app;

import io.lwm2m.provisioning.threads.WorkerPools;
import java.sql.Connection;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import javax.sql.DataSource;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The {@code db} health contributor (in place of Spring Boot's, which waits as long as the pool
 * does, 30 s, for a connection PostgreSQL never gives): one check at a time on its own thread, and
 * an answer within {@code provisioning.health.database-timeout} whatever the database does: DOWN
 * when it has not answered by then. It is part of readiness (a replica that cannot reach its
 * database takes no traffic), never of liveness (restarting does not bring PostgreSQL back).
 */
class DatabaseHealthIndicator implements HealthIndicator, DisposableBean {

    /**
     * {@code provisioning.health.*}.
     *
     * @param databaseTimeout how long the database check may take before it counts as DOWN
     */
    @ConfigurationProperties("provisioning.health")
    record Settings(@DefaultValue("2s") Duration databaseTimeout) {
    }

    @Configuration(proxyBeanMethods = false)
    @EnableConfigurationProperties(Settings.class)
    static class Registration {

        @Bean("dbHealthIndicator")
        DatabaseHealthIndicator dbHealthIndicator(DataSource dataSource, Settings settings, WorkerPools pools) {
            return new DatabaseHealthIndicator(dataSource, settings.databaseTimeout(), pools.timer("db-health"));
        }
    }

    private final DataSource dataSource;
    private final Duration timeout;
    private final ExecutorService checker;
    private Future<Health> inFlight;

    DatabaseHealthIndicator(DataSource dataSource, Duration timeout, ExecutorService checker) {
        this.checker = checker;
        this.dataSource = dataSource;
        this.timeout = timeout;
    }

    @Override
    public Health health() {
        Future<Health> check;
        synchronized (this) {
            // A check still waiting on the database is not doubled: probes every few seconds must not pile up threads.
            if (inFlight == null || inFlight.isDone()) {
                try {
                    inFlight = checker.submit(this::check);
                } catch (RejectedExecutionException e) {
                    return Health.down().withDetail("error", "the server is stopping").build();
                }
            }
            check = inFlight;
        }
        try {
            return check.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            return Health.down().withDetail("error", "PostgreSQL did not answer within " + timeout.toMillis() + " ms").build();
        } catch (ExecutionException e) {
            return Health.down().withDetail("error", e.getCause().getClass().getSimpleName()).build();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Health.unknown().build();
        }
    }

    private Health check() throws Exception {
        try (Connection connection = dataSource.getConnection()) {
            boolean valid = connection.isValid((int) Math.max(1, timeout.toSeconds()));
            return (valid ? Health.up() : Health.down()).withDetail("database", connection.getMetaData().getDatabaseProductName())
                    .build();
        }
    }

    @Override
    public void destroy() {
        checker.shutdownNow();
    }
}
