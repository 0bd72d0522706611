package io.lwm2m.provisioning.app.startup;

import io.lwm2m.provisioning.crypto.EllipticCurveProvider;
import org.springframework.boot.context.event.ApplicationEnvironmentPreparedEvent;
import org.springframework.context.ApplicationListener;
import org.springframework.core.Ordered;

/**
 * Installs {@link EllipticCurveProvider} unless {@code provisioning.crypto.ec-provider=jdk} (for a
 * JDK whose providers must be used, such as a FIPS-validated one). Runs before the application
 * context exists, so Scandium, Tomcat and the CA all see the same providers from their first use.
 * Registered in {@code META-INF/spring.factories}.
 */
public class CryptoProviders implements ApplicationListener<ApplicationEnvironmentPreparedEvent>, Ordered {

    static final String PROPERTY = "provisioning.crypto.ec-provider";

    @Override
    public void onApplicationEvent(ApplicationEnvironmentPreparedEvent event) {
        String choice = event.getEnvironment().getProperty(PROPERTY, "bouncy-castle").trim();
        switch (choice) {
            case "bouncy-castle" -> EllipticCurveProvider.install();
            case "jdk" -> { }
            default -> throw new StartupRefusedException(PROPERTY + " must be 'bouncy-castle' or 'jdk', not '" + choice + "'",
                    "Set " + PROPERTY + " to bouncy-castle (the default: Bouncy Castle's faster EC arithmetic) or jdk.");
        }
    }

    @Override
    public int getOrder() {
        return Ordered.HIGHEST_PRECEDENCE;
    }
}
