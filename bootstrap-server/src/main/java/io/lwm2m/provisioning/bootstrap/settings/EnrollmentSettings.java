package io.lwm2m.provisioning.bootstrap.settings;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * {@code provisioning.enrollment.*}: enrollment groups (zero-touch, decision 075).
 *
 * @param refreshInterval how often each replica re-reads the groups its DTLS handshakes consult (a group
 *                        created or changed through another replica counts here within this time; the
 *                        admission itself always reads the group's current row)
 */
@ConfigurationProperties("provisioning.enrollment")
public record EnrollmentSettings(@DefaultValue(EnrollmentSettings.REFRESH_INTERVAL) Duration refreshInterval) {

    /** The default, which the {@code @Scheduled} placeholder of the refresh also names: written once, here. */
    public static final String REFRESH_INTERVAL = "5s";

    public EnrollmentSettings {
        Settings.positive("provisioning.enrollment.refresh-interval", refreshInterval);
    }
}
