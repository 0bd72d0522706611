package io.lwm2m.provisioning.app;

import java.util.Set;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.BeansException;
import org.springframework.beans.factory.BeanFactory;
import org.springframework.beans.factory.BeanFactoryAware;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.beans.factory.config.BeanFactoryPostProcessor;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.boot.flyway.autoconfigure.FlywayMigrationInitializer;
import org.springframework.context.EnvironmentAware;
import org.springframework.core.env.Environment;
import org.springframework.stereotype.Component;

/**
 * Knows whether this instance's Flyway migrations ran (for readiness), and implements
 * {@code provisioning.migrate-only=true}: only the migrations and what they need (the DataSource)
 * are created, and the JVM exits with 0 once they ran. Nothing else starts: no CA is created, no
 * initial admin key is written, no port is bound. A failed migration fails the start as usual,
 * with a non-zero exit code. Used by the Helm chart's pre-install/pre-upgrade Job
 * ({@code --provisioning.migrate-only=true --spring.main.web-application-type=none}).
 */
@Component
class DatabaseMigrations implements BeanFactoryPostProcessor, BeanPostProcessor, SmartInitializingSingleton, BeanFactoryAware,
        EnvironmentAware {

    static final String MIGRATE_ONLY = "provisioning.migrate-only";

    /** Whether Flyway runs in this instance at all. */
    enum State { APPLIED, PENDING, NOT_MANAGED }

    private static final Logger log = LoggerFactory.getLogger(DatabaseMigrations.class);

    private ConfigurableListableBeanFactory beanFactory;
    private boolean migrateOnly;
    private volatile boolean applied;

    @Override
    public void setBeanFactory(BeanFactory beanFactory) {
        this.beanFactory = (ConfigurableListableBeanFactory) beanFactory;
    }

    @Override
    public void setEnvironment(Environment environment) {
        this.migrateOnly = environment.getProperty(MIGRATE_ONLY, Boolean.class, false);
    }

    /**
     * In migrate-only mode every bean but Flyway's migration initializer is made lazy: creating the
     * singletons then creates only it and what it needs (the DataSource), so the migrations run
     * before anything else of the server is created.
     */
    @Override
    public void postProcessBeanFactory(ConfigurableListableBeanFactory factory) throws BeansException {
        if (!migrateOnly) {
            return;
        }
        Set<String> initializers = Set.of(factory.getBeanNamesForType(FlywayMigrationInitializer.class, true, false));
        for (String name : factory.getBeanDefinitionNames()) {
            if (!initializers.contains(name)) {
                factory.getBeanDefinition(name).setLazyInit(true);
            }
        }
    }

    @Override
    public Object postProcessAfterInitialization(Object bean, String beanName) throws BeansException {
        if (bean instanceof FlywayMigrationInitializer) {
            // afterPropertiesSet, which ran the migrations, has returned without an exception.
            applied = true;
            if (migrateOnly) {
                exit(0, "provisioning.migrate-only=true: the database schema is migrated; exiting");
            }
        }
        return bean;
    }

    @Override
    public void afterSingletonsInstantiated() {
        if (migrateOnly) {
            exit(2, "provisioning.migrate-only=true, but Flyway is disabled (spring.flyway.enabled=false): nothing ran");
        }
    }

    State state() {
        if (applied) {
            return State.APPLIED;
        }
        return beanFactory.getBeanNamesForType(FlywayMigrationInitializer.class, true, false).length == 0
                ? State.NOT_MANAGED : State.PENDING;
    }

    /**
     * Closes what the migration opened (connection pool, embedded PostgreSQL) and ends the JVM. The
     * context is still being refreshed, so its own close (in the shutdown hook) has nothing to do.
     */
    private void exit(int status, String message) {
        if (status == 0) {
            log.info(message);
        } else {
            log.error(message);
        }
        closeCreated(DataSource.class);
        closeCreated(EmbeddedDatabase.class);
        System.exit(status);
    }

    private void closeCreated(Class<?> type) {
        for (String name : beanFactory.getBeanNamesForType(type, true, false)) {
            Object bean = beanFactory.containsSingleton(name) ? beanFactory.getSingleton(name) : null;
            if (bean instanceof AutoCloseable closeable) {
                try {
                    closeable.close();
                } catch (Exception e) {
                    log.warn("Could not close {}: {}", name, e.toString());
                }
            }
        }
    }
}
