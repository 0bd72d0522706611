package io.lwm2m.provisioning.certificates;

import java.util.List;
import java.util.Optional;
import org.springframework.data.jpa.repository.JpaRepository;
import org.springframework.data.jpa.repository.Query;

interface CaAuthorityRepository extends JpaRepository<CaAuthority, Long> {

    Optional<CaAuthority> findByName(String name);

    @Query("select a from CaAuthority a where a.kekVersion <> :version or a.rootKekVersion <> :version")
    List<CaAuthority> findSealedUnderOtherKek(int version);
}
