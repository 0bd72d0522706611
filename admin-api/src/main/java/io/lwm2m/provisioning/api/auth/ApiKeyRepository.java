package io.lwm2m.provisioning.api.auth;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.springframework.data.domain.Limit;
import org.springframework.data.jpa.repository.JpaRepository;
import org.springframework.data.jpa.repository.Query;
import org.springframework.data.repository.query.Param;

interface ApiKeyRepository extends JpaRepository<ApiKey, Long> {

    Optional<ApiKey> findByKeyHash(byte[] keyHash);

    /** One page of keys in creation order, after the key with id {@code afterId}. */
    List<ApiKey> findByIdGreaterThanOrderById(long afterId, Limit limit);

    /** How many keys of this role still authenticate at {@code now}. */
    @Query("""
            select count(k) from ApiKey k
            where k.role = :role and k.revokedAt is null and (k.expiresAt is null or k.expiresAt > :now)""")
    long countValid(@Param("role") Role role, @Param("now") Instant now);
}
