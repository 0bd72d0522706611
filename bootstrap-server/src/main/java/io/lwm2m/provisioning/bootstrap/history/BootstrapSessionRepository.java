package io.lwm2m.provisioning.bootstrap.history;


import java.util.List;
import java.util.UUID;
import org.springframework.data.domain.Limit;
import org.springframework.data.jpa.repository.JpaRepository;

interface BootstrapSessionRepository extends JpaRepository<BootstrapSessionRecord, UUID> {

    /** A device's sessions newest first, after the session ({@code at}, {@code id}): one page of its history. */
    @org.springframework.data.jpa.repository.Query("""
            select s from BootstrapSessionRecord s where s.deviceId = :deviceId
              and (s.startedAt < :at or (s.startedAt = :at and s.id < :id))
            order by s.startedAt desc, s.id desc""")
    List<BootstrapSessionRecord> pageForDevice(@org.springframework.data.repository.query.Param("deviceId") Long deviceId,
            @org.springframework.data.repository.query.Param("at") java.time.Instant at,
            @org.springframework.data.repository.query.Param("id") UUID id, Limit limit);

    /** The bootstrap account's instance id the device's latest session that learned one recorded. */
    @org.springframework.data.jpa.repository.Query(nativeQuery = true, value = """
            SELECT bootstrap_account_instance FROM bootstrap_sessions
            WHERE device_id = :deviceId AND bootstrap_account_instance IS NOT NULL
            ORDER BY started_at DESC LIMIT 1""")
    java.util.Optional<Integer> learnedBootstrapAccountInstance(
            @org.springframework.data.repository.query.Param("deviceId") long deviceId);
}
