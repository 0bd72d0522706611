package io.lwm2m.provisioning.bootstrap.devices;

import io.lwm2m.provisioning.bootstrap.sessions.ClientIdentity;
import io.lwm2m.provisioning.certificates.CertificateAuthorityService;
import io.lwm2m.provisioning.certificates.ManufacturerCaService;
import io.lwm2m.provisioning.est.EstIdentity;
import java.security.cert.X509Certificate;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.Optional;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/**
 * Which device owns a bootstrap identity: the one answer for the DTLS handshake's checks, the
 * Bootstrap-Request and EST's PSK and raw-public-key clients. A live (ACTIVE or PENDING) bootstrap
 * credential names its device; one statement on the current rows, so a revoked credential, a
 * disabled device or an edited profile counts from the next question on, on every replica.
 */
@Component
class BootstrapIdentities {

    private static final String OWNER = """
            SELECT c.id, d.id, d.endpoint, d.state, d.profile_id, p.version, d.overrides,
              EXISTS (SELECT 1 FROM device_credentials e WHERE e.device_id = d.id AND e.channel = 'SERVER'
                        AND e.mode = 'EST' AND e.status IN ('ACTIVE', 'PENDING'))
            FROM device_credentials c
            JOIN devices d ON d.id = c.device_id
            LEFT JOIN profiles p ON p.id = d.profile_id
            WHERE c.channel = 'BOOTSTRAP' AND c.status IN ('ACTIVE', 'PENDING')
            """;

    private final JdbcTemplate jdbc;
    private final CertificateAuthorityService ca;
    private final ManufacturerCaService manufacturers;

    BootstrapIdentities(JdbcTemplate jdbc, CertificateAuthorityService ca, ManufacturerCaService manufacturers) {
        this.jdbc = jdbc;
        this.ca = ca;
        this.manufacturers = manufacturers;
    }

    /**
     * A live bootstrap credential and the device it belongs to.
     *
     * @param modeFourAccount whether the device has a live mode-4 (EST) DM-server credential, which EST
     *                        enrollment feeds (read in the same statement, so EST need not ask again)
     */
    record Owner(long credentialId, Enrollee device, boolean modeFourAccount) {
    }

    /** The owner of a DTLS client identity (PSK identity, raw public key or certificate). */
    Optional<Owner> of(ClientIdentity identity) {
        return switch (identity.mode()) {
            case PSK -> byPskIdentity(identity.pskIdentity());
            case RPK -> byPublicKey(identity.publicKey());
            case X509 -> byCertificate(identity.certificate());
            default -> Optional.empty();
        };
    }

    /** The owner of an EST client's PSK identity or raw public key. */
    Optional<Owner> of(EstIdentity identity) {
        return switch (identity.kind()) {
            case PSK -> byPskIdentity(identity.pskIdentity());
            case RPK -> byPublicKey(identity.publicKey());
            default -> throw new IllegalArgumentException("not a bootstrap credential identity: " + identity.kind());
        };
    }

    private Optional<Owner> byPskIdentity(String pskIdentity) {
        return first(OWNER + "AND c.mode = 'PSK' AND c.psk_identity = ?", pskIdentity);
    }

    private Optional<Owner> byPublicKey(byte[] publicKey) {
        // sha256(public_key) is what the unique index on live bootstrap keys covers.
        return first(OWNER + "AND c.mode = 'RPK' AND sha256(c.public_key) = sha256(?) AND c.public_key = ?", publicKey, publicKey);
    }

    /**
     * A certificate this CA issued names its credential by serial; any other (its chain validated in
     * the handshake) is a factory certificate naming its device by subject CN or SAN URI.
     */
    private Optional<Owner> byCertificate(X509Certificate certificate) {
        // Only our signature makes the serial ours: another CA's certificate may carry any serial.
        if (ca.examine(certificate).issued().isPresent()) {
            // ours, but perhaps not a live bootstrap credential: never a factory one
            return first(OWNER + "AND c.certificate_serial = ?", CertificateAuthorityService.hex(certificate.getSerialNumber()));
        }
        return ManufacturerCaService.namesOf(certificate).stream()
                .map(endpoint -> first(OWNER + "AND c.mode = 'X509' AND c.certificate IS NULL AND d.endpoint = ?", endpoint))
                .flatMap(Optional::stream).findFirst();
    }

    private Optional<Owner> first(String sql, Object... parameters) {
        List<Owner> owners = jdbc.query(sql, BootstrapIdentities::owner, parameters);
        return owners.stream().findFirst();
    }

    private static Owner owner(ResultSet row, int n) throws SQLException {
        return new Owner(row.getLong(1), new Enrollee(row.getLong(2), row.getString(3), DeviceState.valueOf(row.getString(4)),
                row.getObject(5, Long.class), row.getLong(6), row.getString(7)), row.getBoolean(8));
    }
}
