package io.lwm2m.provisioning.app;

import io.lwm2m.provisioning.bootstrap.transport.BootstrapEndpoints;
import io.lwm2m.provisioning.certificates.CertificateAuthorityService;
import java.security.cert.X509Certificate;
import java.util.List;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.context.ApplicationContext;
import org.springframework.context.ApplicationContextAware;
import org.springframework.context.ApplicationListener;
import org.springframework.context.event.ContextClosedEvent;
import org.springframework.stereotype.Component;

/**
 * The {@code provisioning} health contributor, part of the readiness group: UP only when this
 * instance's database migrations ran, the CA is loaded and the CoAP/CoAPS endpoints are bound.
 * OUT_OF_SERVICE from the moment the server starts shutting down.
 */
@Component("provisioningHealthIndicator")
class ProvisioningHealthIndicator implements HealthIndicator, ApplicationListener<ContextClosedEvent>, ApplicationContextAware {

    private final DatabaseMigrations migrations;
    private final CertificateAuthorityService ca;
    private final BootstrapEndpoints endpoints;
    private ApplicationContext context;
    private volatile boolean closing;

    ProvisioningHealthIndicator(DatabaseMigrations migrations, CertificateAuthorityService ca, BootstrapEndpoints endpoints) {
        this.migrations = migrations;
        this.ca = ca;
        this.endpoints = endpoints;
    }

    @Override
    public void setApplicationContext(ApplicationContext context) {
        this.context = context;
    }

    @Override
    public void onApplicationEvent(ContextClosedEvent event) {
        if (event.getApplicationContext() == context) {
            closing = true;
        }
    }

    @Override
    public Health health() {
        if (closing) {
            // Not asking the endpoints: their stop() holds their lock while the sessions drain.
            return Health.outOfService().withDetail("shutdown", "in progress").build();
        }
        boolean up = true;
        Health.Builder health = Health.unknown();

        DatabaseMigrations.State migrationState = migrations.state();
        health.withDetail("migrations", migrationState.name());
        up &= migrationState != DatabaseMigrations.State.PENDING;

        try {
            List<X509Certificate> chain = ca.chain(); // loaded once, then cached by the service
            health.withDetail("ca", chain.get(0).getSubjectX500Principal().getName());
        } catch (RuntimeException e) {
            health.withDetail("ca", "not loaded: " + e.getClass().getSimpleName());
            up = false;
        }

        boolean bound = endpoints.isBound();
        health.withDetail("coapEndpoints", bound ? "bound" : "not bound");
        up &= bound;

        return (up ? health.up() : health.down()).build();
    }
}
