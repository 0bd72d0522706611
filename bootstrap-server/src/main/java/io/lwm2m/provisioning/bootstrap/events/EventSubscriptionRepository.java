package io.lwm2m.provisioning.bootstrap.events;

import java.util.List;
import java.util.Optional;
import org.springframework.data.domain.Limit;
import org.springframework.data.jpa.repository.JpaRepository;
import org.springframework.data.jpa.repository.Query;
import org.springframework.data.repository.query.Param;

interface EventSubscriptionRepository extends JpaRepository<EventSubscription, Long> {

    Optional<EventSubscription> findByName(String name);

    List<EventSubscription> findAllByOrderByNameAsc();

    @Query("select s from EventSubscription s where s.keys.kekVersion <> :version or s.keys.previousKekVersion <> :version")
    List<EventSubscription> findSealedUnderOtherKek(@Param("version") int version, Limit limit);

    @Query("select count(s) from EventSubscription s where s.keys.kekVersion <> :version or s.keys.previousKekVersion <> :version")
    long countSealedUnderOtherKek(@Param("version") int version);
}
