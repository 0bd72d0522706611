package io.lwm2m.provisioning.bootstrap.enrollment;

import java.util.List;
import java.util.Optional;
import org.springframework.data.domain.Limit;
import org.springframework.data.jpa.repository.JpaRepository;
import org.springframework.data.jpa.repository.Query;
import org.springframework.data.repository.query.Param;

interface EnrollmentGroupRepository extends JpaRepository<EnrollmentGroup, Long> {

    Optional<EnrollmentGroup> findByName(String name);

    List<EnrollmentGroup> findAllByOrderByNameAsc();

    @Query("""
            select g from EnrollmentGroup g where g.keyKekVersion <> :version or g.allocationKeys.kekVersion <> :version
              or g.allocationKeys.previousKekVersion <> :version""")
    List<EnrollmentGroup> findSealedUnderOtherKek(@Param("version") int version, Limit limit);

    @Query("""
            select count(g) from EnrollmentGroup g where g.keyKekVersion <> :version or g.allocationKeys.kekVersion <> :version
              or g.allocationKeys.previousKekVersion <> :version""")
    long countSealedUnderOtherKek(@Param("version") int version);
}
