package io.lwm2m.provisioning.app;

import com.zaxxer.hikari.HikariDataSource;
import io.lwm2m.provisioning.persistence.DataDirectory;
import java.io.IOException;
import javax.sql.DataSource;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.autoconfigure.condition.ConditionalOnExpression;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * With no {@code spring.datasource.url}, the server runs its own PostgreSQL with the cluster in
 * {@code <data-dir>/postgres}, so {@code java -jar} just works and the data survives restarts.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnExpression("'${spring.datasource.url:}'.isEmpty()")
class EmbeddedDatabaseConfiguration {

    @Bean(destroyMethod = "close")
    EmbeddedDatabase embeddedDatabase(DataDirectory dataDirectory) throws IOException {
        return EmbeddedDatabase.start(dataDirectory.resolve("postgres"));
    }

    @Bean
    DataSource dataSource(EmbeddedDatabase database,
            @Value("${spring.datasource.hikari.maximum-pool-size:20}") int poolSize) {
        HikariDataSource dataSource = new HikariDataSource();
        dataSource.setPoolName("embedded-postgres");
        // Batched inserts (session steps) go to PostgreSQL as one multi-row statement.
        dataSource.setJdbcUrl(database.jdbcUrl() + "?reWriteBatchedInserts=true");
        dataSource.setUsername(database.username());
        dataSource.setPassword(database.password());
        dataSource.setMaximumPoolSize(poolSize);
        return dataSource;
    }
}
