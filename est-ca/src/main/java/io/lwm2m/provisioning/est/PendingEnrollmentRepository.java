package io.lwm2m.provisioning.est;

import java.util.List;
import java.util.Optional;
import org.springframework.data.domain.Limit;
import org.springframework.data.jpa.repository.JpaRepository;

public interface PendingEnrollmentRepository extends JpaRepository<PendingEnrollment, Long> {

    Optional<PendingEnrollment> findByEndpointAndCsrSha256(String endpoint, byte[] csrSha256);

    List<PendingEnrollment> findByStatusOrderByCreatedAtAsc(PendingEnrollment.Status status, Limit limit);
}
