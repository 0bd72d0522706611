package io.lwm2m.provisioning.bootstrap.servers;

import java.util.Collection;
import java.util.List;
import java.util.Optional;
import org.springframework.data.jpa.repository.JpaRepository;

interface DmServerRepository extends JpaRepository<DmServer, Long> {

    Optional<DmServer> findByName(String name);

    boolean existsByName(String name);

    List<DmServer> findByNameIn(Collection<String> names);

    List<DmServer> findAllByOrderByNameAsc();
}
