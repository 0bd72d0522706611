package io.lwm2m.provisioning.app.startup;

import io.lwm2m.provisioning.ProvisioningServerApplication;
import org.springframework.boot.context.event.ApplicationEnvironmentPreparedEvent;
import org.springframework.boot.system.ApplicationHome;
import org.springframework.context.ApplicationListener;
import org.springframework.core.Ordered;

/**
 * Checks made once the configuration is known and logging is set up, before anything is started or
 * created: the data directory, then the ports. Registered in {@code META-INF/spring.factories}, since it
 * runs before the application context exists.
 */
public class StartupChecks implements ApplicationListener<ApplicationEnvironmentPreparedEvent>, Ordered {

    @Override
    public void onApplicationEvent(ApplicationEnvironmentPreparedEvent event) {
        DataDirectoryCheck.check(event.getEnvironment(), new ApplicationHome(ProvisioningServerApplication.class).getDir().toPath());
        if (!event.getEnvironment().getProperty("provisioning.migrate-only", Boolean.class, false)) {
            PortCheck.requireFree(event.getEnvironment());
        }
    }

    /** After Spring Boot's logging listener, which sets up logging on the same event. */
    @Override
    public int getOrder() {
        return Ordered.LOWEST_PRECEDENCE;
    }
}
