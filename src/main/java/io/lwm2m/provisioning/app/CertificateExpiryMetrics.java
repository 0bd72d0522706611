package io.lwm2m.provisioning.app;

import io.lwm2m.provisioning.certificates.CertificateAuthorityService;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * {@code provisioning_certificates_expiring{within="30d"}}: how many certificates this server's CA
 * issued are still VALID (not revoked) and expire within the next 30 days. Counted in PostgreSQL at
 * most once a minute, however often it is scraped.
 */
@Component
class CertificateExpiryMetrics implements MeterBinder {

    static final String NAME = "provisioning.certificates.expiring";
    static final Duration WINDOW = Duration.ofDays(30);
    static final Duration REFRESH = Duration.ofMinutes(1);

    private static final Logger log = LoggerFactory.getLogger(CertificateExpiryMetrics.class);

    private final CertificateAuthorityService ca;
    private final Clock clock;
    private Instant countedAt;
    private double expiring = Double.NaN;

    CertificateExpiryMetrics(CertificateAuthorityService ca, Clock clock) {
        this.ca = ca;
        this.clock = clock;
    }

    @Override
    public void bindTo(MeterRegistry registry) {
        Gauge.builder(NAME, this, CertificateExpiryMetrics::expiring)
                .description("VALID certificates issued by this server's CA that expire within the next 30 days"
                        + " (already expired ones not included); recounted at most once a minute")
                .tag("within", "30d")
                .strongReference(true)
                .register(registry);
    }

    /** The cached count; recounted when it is older than a minute (NaN until the first count succeeds). */
    synchronized double expiring() {
        Instant now = clock.instant();
        if (countedAt == null || !now.isBefore(countedAt.plus(REFRESH))) {
            countedAt = now; // also after a failure: a database in trouble is not asked on every scrape
            try {
                expiring = ca.countValidNotAfterBefore(now.plus(WINDOW)) - ca.countValidNotAfterBefore(now);
            } catch (RuntimeException e) {
                log.warn("Could not count the certificates expiring within {} days: {}", WINDOW.toDays(), e.toString());
            }
        }
        return expiring;
    }
}
