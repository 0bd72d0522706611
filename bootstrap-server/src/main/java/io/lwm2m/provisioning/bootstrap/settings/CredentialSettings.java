package io.lwm2m.provisioning.bootstrap.settings;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * {@code provisioning.credentials.*}: generated credentials and rotation (ARCHITECTURE §3.4).
 *
 * @param rotationGracePeriod   after a bootstrap delivered a rotated DM-server credential, how long until the old retires
 * @param rotationCheckInterval how often that grace period is checked
 */
@ConfigurationProperties("provisioning.credentials")
public record CredentialSettings(
        @DefaultValue("7d") Duration rotationGracePeriod,
        @DefaultValue("5m") Duration rotationCheckInterval) {

    public CredentialSettings {
        Settings.positive("provisioning.credentials.rotation-grace-period", rotationGracePeriod);
        Settings.positive("provisioning.credentials.rotation-check-interval", rotationCheckInterval);
    }
}
