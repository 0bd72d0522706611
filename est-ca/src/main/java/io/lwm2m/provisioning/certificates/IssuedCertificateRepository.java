package io.lwm2m.provisioning.certificates;

import jakarta.persistence.LockModeType;
import java.util.List;
import java.util.Optional;
import org.springframework.data.domain.Limit;
import org.springframework.data.jpa.repository.JpaRepository;
import org.springframework.data.jpa.repository.Lock;
import org.springframework.data.jpa.repository.Query;

interface IssuedCertificateRepository extends JpaRepository<IssuedCertificate, String> {

    /** The certificate, its row locked until the transaction ends: of two revocations at once, the second sees the first. */
    @Lock(LockModeType.PESSIMISTIC_WRITE)
    @Query("select c from IssuedCertificate c where c.serial = :serial")
    Optional<IssuedCertificate> findLocked(String serial);

    @Query("select c from IssuedCertificate c where c.authorityId = :authorityId and c.status = io.lwm2m.provisioning.certificates.IssuedCertificate.Status.REVOKED order by c.revokedAt")
    List<IssuedCertificate> findRevoked(Long authorityId);

    @Query("select count(c) from IssuedCertificate c where c.status = io.lwm2m.provisioning.certificates.IssuedCertificate.Status.VALID and c.notAfter < :instant")
    long countValidNotAfterBefore(java.time.Instant instant);

    /** Newest first after the certificate ({@code createdAt}, {@code serial}): one page of the list. */
    @Query("""
            select c from IssuedCertificate c where c.createdAt < :at or (c.createdAt = :at and c.serial < :serial)
            order by c.createdAt desc, c.serial desc""")
    List<IssuedCertificate> pageBefore(java.time.Instant at, String serial, Limit limit);

    /** As {@link #pageBefore}, for one endpoint's certificates. */
    @Query("""
            select c from IssuedCertificate c where c.endpoint = :endpoint
              and (c.createdAt < :at or (c.createdAt = :at and c.serial < :serial))
            order by c.createdAt desc, c.serial desc""")
    List<IssuedCertificate> pageBeforeForEndpoint(String endpoint, java.time.Instant at, String serial, Limit limit);
}
