package io.lwm2m.provisioning.bootstrap.identity;

import java.util.Optional;
import org.springframework.data.jpa.repository.JpaRepository;

interface BootstrapServerKeyRepository extends JpaRepository<BootstrapServerKey, Long> {

    Optional<BootstrapServerKey> findFirstByOrderByIdAsc();
}
