package io.lwm2m.provisioning.bootstrap.settings;

import java.time.Duration;
import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * {@code provisioning.bootstrap.*}: how bootstrap sessions run and how the server presents itself
 * (README, Configuration).
 *
 * @param requestTimeout       how long a session waits for the client's answer to one request
 * @param sessionTimeout       deadline for a whole session
 * @param historyHold          a session's start is written this late; a session ending sooner is one row (ADR 016)
 * @param publicUri            this server's URI as devices reach it, for rewriting a bootstrap account
 * @param maxFailuresPerSource client-caused failures from one address within the window before it is blocked
 * @param failureWindow        that window
 * @param hostname             CN of the certificate the server presents in RPK/X.509 handshakes
 * @param subjectAltNames      DNS names and IP addresses written into that certificate (default: the hostname)
 * @param reissueCertificate   re-issue that certificate for the same key when its names changed (ADR 020)
 */
@ConfigurationProperties("provisioning.bootstrap")
public record BootstrapSettings(
        @DefaultValue("30s") Duration requestTimeout,
        @DefaultValue("120s") Duration sessionTimeout,
        @DefaultValue("100ms") Duration historyHold,
        @DefaultValue("") String publicUri,
        @DefaultValue("20") int maxFailuresPerSource,
        @DefaultValue("60s") Duration failureWindow,
        @DefaultValue("localhost") String hostname,
        @DefaultValue List<String> subjectAltNames,
        @DefaultValue("false") boolean reissueCertificate) {

    public BootstrapSettings {
        Settings.positive("provisioning.bootstrap.request-timeout", requestTimeout);
        Settings.positive("provisioning.bootstrap.session-timeout", sessionTimeout);
        Settings.notNegative("provisioning.bootstrap.history-hold", historyHold);
        Settings.positive("provisioning.bootstrap.failure-window", failureWindow);
        if (maxFailuresPerSource < 1) {
            throw new IllegalArgumentException("provisioning.bootstrap.max-failures-per-source must be at least 1, not "
                    + maxFailuresPerSource);
        }
        subjectAltNames = subjectAltNames == null ? List.of() : List.copyOf(subjectAltNames);
    }
}
