package io.lwm2m.provisioning.bootstrap.devices;

import java.util.Collection;
import java.util.List;
import java.util.Optional;
import org.springframework.data.domain.Limit;
import org.springframework.data.jpa.repository.EntityGraph;
import org.springframework.data.jpa.repository.JpaRepository;

interface DeviceRepository extends JpaRepository<Device, Long> {

    @EntityGraph(attributePaths = "servers")
    Optional<Device> findByEndpoint(String endpoint);

    boolean existsByEndpoint(String endpoint);

    /** One page of devices in these states, in registration order, after the device with id {@code afterId}. */
    @EntityGraph(attributePaths = "profile")
    List<Device> findByStateInAndIdGreaterThanOrderById(Collection<DeviceState> states, long afterId, Limit limit);
}
