package io.lwm2m.provisioning.bootstrap.sessions;

import java.util.List;
import java.util.UUID;
import org.springframework.data.domain.Limit;
import org.springframework.data.jpa.repository.JpaRepository;

interface BootstrapSessionRepository extends JpaRepository<BootstrapSessionRecord, UUID> {

    List<BootstrapSessionRecord> findByDeviceIdOrderByStartedAtDesc(Long deviceId, Limit limit);
}
