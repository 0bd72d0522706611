package io.lwm2m.provisioning.bootstrap.settings;

import io.lwm2m.provisioning.crypto.RandomSecrets;
import java.security.SecureRandom;
import java.time.Duration;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The bootstrap server's settings, one typed record per prefix, and the checks they share: a
 * wrong value stops the start with a message naming the property.
 */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties({BootstrapSettings.class, CoapSettings.class, CoapsSettings.class, ClusterProperties.class,
        CredentialSettings.class, EventSettings.class, EnrollmentSettings.class})
public class Settings {

    /** Credential material, PSK keys of the configured length. */
    @Bean
    RandomSecrets randomSecrets(SecureRandom random, CredentialSettings credentials) {
        return new RandomSecrets(random, credentials.pskKeyLength());
    }

    static void positive(String property, Duration value) {
        if (value == null || value.isNegative() || value.isZero()) {
            throw new IllegalArgumentException(property + " must be a positive duration, not " + value);
        }
    }

    static void notNegative(String property, Duration value) {
        if (value == null || value.isNegative()) {
            throw new IllegalArgumentException(property + " must not be negative, not " + value);
        }
    }

    static void port(String property, int port) {
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException(property + " must be 0..65535 (0: a free port), not " + port);
        }
    }
}
