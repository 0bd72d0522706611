package io.lwm2m.provisioning.est;

import jakarta.persistence.LockModeType;
import java.util.List;
import java.util.Optional;
import org.springframework.data.domain.Limit;
import org.springframework.data.jpa.repository.JpaRepository;
import org.springframework.data.jpa.repository.Lock;
import org.springframework.data.jpa.repository.Query;
import org.springframework.data.repository.query.Param;

public interface PendingEnrollmentRepository extends JpaRepository<PendingEnrollment, Long> {

    Optional<PendingEnrollment> findByEndpointAndCsrSha256(String endpoint, byte[] csrSha256);

    List<PendingEnrollment> findByStatusOrderByCreatedAtAsc(PendingEnrollment.Status status, Limit limit);

    /**
     * The held enrollment, its row locked until the transaction ends: two operators' decisions on one
     * CSR run one after the other, and the second sees the first's (decision 094); so do two re-sends
     * that would each issue an approved CSR's certificate (decision 096).
     */
    @Lock(LockModeType.PESSIMISTIC_WRITE)
    @Query("select p from PendingEnrollment p where p.id = :id")
    Optional<PendingEnrollment> findLocked(@Param("id") long id);
}
