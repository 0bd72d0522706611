package io.lwm2m.provisioning.certificates;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Optional;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/**
 * A certificate's record by serial in one plain statement, for {@link CertificateAuthorityService#examine}:
 * every X.509 handshake and certificate-authenticated EST request asks it, and a read-only JPA
 * transaction around {@code findById} (session, transaction, entity loading) cost several times the
 * statement itself. The record is detached: it is read, never written back. Inside a caller's
 * transaction the statement runs on that transaction's connection.
 */
@Component
class IssuedCertificateLookup {

    private final JdbcTemplate jdbc;

    IssuedCertificateLookup(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    Optional<IssuedCertificate> find(String serial) {
        return jdbc.query("""
                SELECT serial, authority_id, subject, endpoint, profile, not_before, not_after, status, revoked_at,
                       revocation_reason, requested_by, der, created_at
                FROM certificates WHERE serial = ?""", IssuedCertificateLookup::row, serial).stream().findFirst();
    }

    /** Every timestamp read here is set: revoked_at whenever the status is REVOKED (a check constraint). */
    private static IssuedCertificate row(ResultSet rs, int rowNum) throws SQLException {
        IssuedCertificate record = new IssuedCertificate(rs.getString("serial"), rs.getLong("authority_id"), rs.getString("subject"),
                rs.getString("endpoint"), rs.getString("profile"), rs.getTimestamp("not_before").toInstant(),
                rs.getTimestamp("not_after").toInstant(), rs.getString("requested_by"), rs.getBytes("der"),
                rs.getTimestamp("created_at").toInstant());
        if (IssuedCertificate.Status.valueOf(rs.getString("status")) == IssuedCertificate.Status.REVOKED) {
            record.revoke(rs.getTimestamp("revoked_at").toInstant(), rs.getInt("revocation_reason"));
        }
        return record;
    }
}
