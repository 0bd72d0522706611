package io.lwm2m.provisioning.ops;

import static org.assertj.core.api.Assertions.assertThat;

import io.lwm2m.provisioning.app.EmbeddedDatabase;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@code provisioning_database_up}, the input of the "database unavailable" alert, follows a real PostgreSQL going away. */
class DatabaseAvailabilityTest {

    @Test
    void theGaugeIsOneWhileThePostgresqlAnswersAndZeroSoonAfterItStops() throws Exception {
        Path dataDir = OpsServer.newDataDir();
        EmbeddedDatabase database = EmbeddedDatabase.temporary();
        try (OpsServer server = OpsServer.start(dataDir, Map.of("spring.datasource.url", database.jdbcUrl(),
                "spring.datasource.username", database.username(), "spring.datasource.password", database.password(),
                "provisioning.metrics.database-check-interval", "1s", "spring.datasource.hikari.connection-timeout", "2000"))) {
            assertThat(databaseUp(server)).isEqualTo(1.0);

            database.close();
            long until = System.nanoTime() + 30_000_000_000L;
            while (databaseUp(server) != 0.0 && System.nanoTime() < until) {
                Thread.sleep(250);
            }
            assertThat(databaseUp(server)).as("provisioning_database_up after PostgreSQL stopped").isEqualTo(0.0);
        } finally {
            database.close();
            OpsServer.delete(dataDir);
        }
    }

    private static Double databaseUp(OpsServer server) {
        return Prometheus.value(Prometheus.parse(server.management("/actuator/prometheus").body()), "provisioning_database_up");
    }
}
