package io.lwm2m.provisioning.bootstrap.devices;

import io.lwm2m.provisioning.est.EstIdentity;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import jakarta.persistence.Query;
import java.util.List;
import java.util.Optional;
import org.springframework.stereotype.Component;

/**
 * The device whose live bootstrap credential (PSK identity or raw public key) an EST client
 * authenticated with, read in one statement from the current rows: a revoked or retired credential,
 * a disabled device or an edited profile counts from the next request on, on every replica.
 * EST asks this on every enrollment, so it reads the few columns it needs instead of three entities.
 */
@Component
class Enrollees {

    private static final String SELECT = """
            SELECT d.id, d.endpoint, d.state, d.profile_id, p.version, d.overrides
            FROM device_credentials c
            JOIN devices d ON d.id = c.device_id
            LEFT JOIN profiles p ON p.id = d.profile_id
            WHERE c.channel = 'BOOTSTRAP' AND c.status IN ('ACTIVE', 'PENDING')
            """;

    @PersistenceContext
    private EntityManager em;

    /** Must run in a transaction. Empty: no live bootstrap credential has this identity. */
    Optional<Enrollee> byBootstrapCredential(EstIdentity identity) {
        Query query = switch (identity.kind()) {
            case PSK -> em.createNativeQuery(SELECT + "AND c.psk_identity = ?1").setParameter(1, identity.pskIdentity());
            // sha256(public_key) is what the unique index on live bootstrap keys covers.
            case RPK -> em.createNativeQuery(SELECT + "AND c.mode = 'RPK' AND sha256(c.public_key) = sha256(?1) "
                    + "AND c.public_key = ?1").setParameter(1, identity.publicKey());
            default -> throw new IllegalArgumentException("not a bootstrap credential identity: " + identity.kind());
        };
        @SuppressWarnings("unchecked")
        List<Object[]> rows = query.getResultList();
        if (rows.isEmpty()) {
            return Optional.empty();
        }
        Object[] row = rows.get(0);
        return Optional.of(new Enrollee(((Number) row[0]).longValue(), (String) row[1], DeviceState.valueOf((String) row[2]),
                row[3] == null ? null : ((Number) row[3]).longValue(), row[4] == null ? 0 : ((Number) row[4]).longValue(),
                (String) row[5]));
    }
}
