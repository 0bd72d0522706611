package io.lwm2m.provisioning.bootstrap.devices;

import java.util.Optional;
import org.springframework.data.jpa.repository.EntityGraph;
import org.springframework.data.jpa.repository.JpaRepository;

interface DeviceRepository extends JpaRepository<Device, Long> {

    @EntityGraph(attributePaths = "servers")
    Optional<Device> findByEndpoint(String endpoint);

    boolean existsByEndpoint(String endpoint);
}
