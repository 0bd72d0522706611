package io.lwm2m.provisioning.certificates;

import java.util.List;
import java.util.Optional;
import org.springframework.data.jpa.repository.JpaRepository;

interface ManufacturerCaRepository extends JpaRepository<ManufacturerCa, Long> {

    Optional<ManufacturerCa> findByName(String name);

    List<ManufacturerCa> findAllByOrderByNameAsc();
}
