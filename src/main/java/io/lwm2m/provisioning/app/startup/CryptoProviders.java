package io.lwm2m.provisioning.app.startup;

import io.lwm2m.provisioning.crypto.EllipticCurveProvider;
import io.lwm2m.provisioning.crypto.EllipticCurveProvider.Arithmetic;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.event.ApplicationEnvironmentPreparedEvent;
import org.springframework.boot.context.logging.LoggingApplicationListener;
import org.springframework.context.ApplicationListener;
import org.springframework.core.Ordered;

/**
 * Installs {@link EllipticCurveProvider} as {@code provisioning.crypto.ec-provider} says (decision 083):
 * {@code auto}, the default, takes BoringSSL's arithmetic where Conscrypt's native library loads and
 * Bouncy Castle's elsewhere; {@code native} and {@code bouncy-castle} insist on one; {@code jdk} keeps
 * the JDK's providers (for a JDK whose providers must be used, such as a FIPS-validated one). Runs
 * before the application context exists, so Scandium, Tomcat and the CA all see the same providers from
 * their first use, and just after logging is set up, so the choice is in the start log. Registered in
 * {@code META-INF/spring.factories}.
 */
public class CryptoProviders implements ApplicationListener<ApplicationEnvironmentPreparedEvent>, Ordered {

    static final String PROPERTY = "provisioning.crypto.ec-provider";

    private static final Logger log = LoggerFactory.getLogger(CryptoProviders.class);

    @Override
    public void onApplicationEvent(ApplicationEnvironmentPreparedEvent event) {
        String choice = event.getEnvironment().getProperty(PROPERTY, "auto").trim();
        Object arithmetic = switch (choice) {
            case "auto" -> EllipticCurveProvider.install();
            case "native" -> installNative();
            case "bouncy-castle" -> EllipticCurveProvider.install(Arithmetic.BOUNCY_CASTLE);
            case "jdk" -> "the JDK's providers (" + PROPERTY + "=jdk)";
            default -> throw new StartupRefusedException(PROPERTY + " must be 'auto', 'native', 'bouncy-castle' or 'jdk', not '" + choice + "'",
                    "Set " + PROPERTY + " to auto (the default: BoringSSL's arithmetic where it loads, else Bouncy Castle's), "
                            + "native, bouncy-castle or jdk.");
        };
        log.info("Elliptic-curve arithmetic: {}", arithmetic);
    }

    private static Arithmetic installNative() {
        try {
            return EllipticCurveProvider.install(Arithmetic.NATIVE);
        } catch (IllegalStateException e) {
            throw new StartupRefusedException(PROPERTY + "=native, but " + e.getMessage(),
                    "Set " + PROPERTY + " to auto to fall back to Bouncy Castle's arithmetic where the native library does not load.");
        }
    }

    /** Just after Spring Boot's logging listener, which sets up logging on the same event; before everything else. */
    @Override
    public int getOrder() {
        return LoggingApplicationListener.DEFAULT_ORDER + 1;
    }
}
