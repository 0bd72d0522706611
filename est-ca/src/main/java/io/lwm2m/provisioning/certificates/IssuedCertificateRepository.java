package io.lwm2m.provisioning.certificates;

import java.util.List;
import org.springframework.data.domain.Limit;
import org.springframework.data.jpa.repository.JpaRepository;
import org.springframework.data.jpa.repository.Query;

interface IssuedCertificateRepository extends JpaRepository<IssuedCertificate, String> {

    @Query("select c from IssuedCertificate c where c.authorityId = :authorityId and c.status = io.lwm2m.provisioning.certificates.IssuedCertificate.Status.REVOKED order by c.revokedAt")
    List<IssuedCertificate> findRevoked(Long authorityId);

    List<IssuedCertificate> findByEndpointOrderByCreatedAtDesc(String endpoint, Limit limit);

    List<IssuedCertificate> findAllByOrderByCreatedAtDesc(Limit limit);

    @Query("select count(c) from IssuedCertificate c where c.status = io.lwm2m.provisioning.certificates.IssuedCertificate.Status.VALID and c.notAfter < :instant")
    long countValidNotAfterBefore(java.time.Instant instant);
}
