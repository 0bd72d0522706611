package io.lwm2m.provisioning.certificates;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Optional;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/**
 * The two statements on certificate records that every enrollment or X.509 handshake makes, as
 * plain statements rather than through JPA, which cost several times the statement itself (a
 * read-only transaction and entity loading around {@code findById}; dirty checking and Hibernate's
 * insert machinery at the flush of a {@code persist}):
 * <ul>
 * <li>a record by serial, for {@link CertificateAuthorityService#examine}; the record is detached,
 * read and never written back;</li>
 * <li>the insert of a new record, for {@link CertificateAuthorityService#record}.</li>
 * </ul>
 * Inside a caller's transaction (JPA's included) the statements run on that transaction's connection.
 */
@Component
class IssuedCertificateRows {

    private final JdbcTemplate jdbc;

    IssuedCertificateRows(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    /** Writes a new record now, in the caller's transaction (a serial issued twice is refused by the key). */
    void insert(IssuedCertificate record) {
        jdbc.update("""
                INSERT INTO certificates (serial, authority_id, subject, endpoint, profile, not_before, not_after, status,
                  requested_by, der, created_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""",
                record.serial(), record.authorityId(), record.subject(), record.endpoint(), record.profile(),
                utc(record.notBefore()), utc(record.notAfter()), record.status().name(), record.requestedBy(), record.der(),
                utc(record.createdAt()));
    }

    private static OffsetDateTime utc(Instant instant) {
        return instant.atOffset(ZoneOffset.UTC);
    }

    Optional<IssuedCertificate> find(String serial) {
        return jdbc.query("""
                SELECT serial, authority_id, subject, endpoint, profile, not_before, not_after, status, revoked_at,
                       revocation_reason, requested_by, der, created_at
                FROM certificates WHERE serial = ?""", IssuedCertificateRows::row, serial).stream().findFirst();
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
