package io.lwm2m.provisioning.bootstrap.settings;

import io.lwm2m.provisioning.crypto.RandomSecrets;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * {@code provisioning.credentials.*}: generated credentials and rotation (ARCHITECTURE §3.4).
 *
 * @param rotationGracePeriod   after a bootstrap delivered a rotated DM-server credential, how long until the old retires
 * @param rotationCheckInterval how often that grace period is checked
 * @param pskKeyLength          bytes of a generated PSK key (16..64)
 */
@ConfigurationProperties("provisioning.credentials")
public record CredentialSettings(
        @DefaultValue("7d") Duration rotationGracePeriod,
        @DefaultValue(CredentialSettings.ROTATION_CHECK_INTERVAL) Duration rotationCheckInterval,
        @DefaultValue("16") int pskKeyLength) {

    /** The default, which the {@code @Scheduled} placeholder of the check also names: written once, here. */
    public static final String ROTATION_CHECK_INTERVAL = "5m";

    public CredentialSettings {
        Settings.positive("provisioning.credentials.rotation-grace-period", rotationGracePeriod);
        Settings.positive("provisioning.credentials.rotation-check-interval", rotationCheckInterval);
        if (pskKeyLength < RandomSecrets.MIN_PSK_BYTES || pskKeyLength > RandomSecrets.MAX_PSK_BYTES) {
            throw new IllegalArgumentException("provisioning.credentials.psk-key-length must be " + RandomSecrets.MIN_PSK_BYTES
                    + ".." + RandomSecrets.MAX_PSK_BYTES + " bytes, not " + pskKeyLength);
        }
    }
}
