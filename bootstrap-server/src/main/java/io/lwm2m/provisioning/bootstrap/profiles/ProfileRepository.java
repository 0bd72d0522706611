package io.lwm2m.provisioning.bootstrap.profiles;

import java.util.List;
import java.util.Optional;
import org.springframework.data.jpa.repository.JpaRepository;

interface ProfileRepository extends JpaRepository<Profile, Long> {

    Optional<Profile> findByName(String name);

    boolean existsByName(String name);

    List<Profile> findAllByOrderByNameAsc();
}
