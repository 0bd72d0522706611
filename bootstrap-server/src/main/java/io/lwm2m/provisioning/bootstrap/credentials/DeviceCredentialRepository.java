package io.lwm2m.provisioning.bootstrap.credentials;

import java.util.Collection;
import java.util.List;
import java.util.Optional;
import org.springframework.data.jpa.repository.JpaRepository;
import org.springframework.data.jpa.repository.Query;
import org.springframework.data.repository.query.Param;

public interface DeviceCredentialRepository extends JpaRepository<DeviceCredential, Long> {

    /**
     * The live (ACTIVE or PENDING) credentials of one device and channel (and DM server, for the SERVER
     * channel). The statuses are literals: Hibernate translates a list parameter anew on every call, and
     * the planner can use the index of live credentials (V20) only when it sees them.
     */
    @Query("""
            select c from DeviceCredential c join fetch c.device d left join fetch c.server s
            where d.id = :deviceId and c.channel = :channel
              and c.status in (io.lwm2m.provisioning.bootstrap.credentials.CredentialStatus.ACTIVE,
                               io.lwm2m.provisioning.bootstrap.credentials.CredentialStatus.PENDING)
              and ((:serverId is null and s is null) or s.id = :serverId)""")
    List<DeviceCredential> findLive(@Param("deviceId") Long deviceId, @Param("channel") CredentialChannel channel,
            @Param("serverId") Long serverId);

    /** Pending DM-server credentials delivered before {@code deliveredBefore}: their grace period is over. */
    @Query("""
            select c from DeviceCredential c join fetch c.device left join fetch c.server
            where c.channel = io.lwm2m.provisioning.bootstrap.credentials.CredentialChannel.SERVER
              and c.status = io.lwm2m.provisioning.bootstrap.credentials.CredentialStatus.PENDING
              and c.deliveredAt < :deliveredBefore""")
    List<DeviceCredential> findPendingDeliveredBefore(@Param("deliveredBefore") java.time.Instant deliveredBefore);

    /** The credential holding the certificate with this serial, whatever its channel and status. */
    Optional<DeviceCredential> findByCertificateSerial(String serial);

    /**
     * The live (ACTIVE or PENDING) mode-4 DM-server credentials of the device with this endpoint, with
     * their servers. The statuses are literals, not a list parameter: Hibernate translates a query with
     * a list parameter anew on every call, and EST asks this for every enrollment. The device comes
     * along: a re-enrollment needs its id, which would otherwise load it once more.
     */
    @Query("""
            select c from DeviceCredential c join fetch c.server join fetch c.device d
            where d.endpoint = :endpoint
              and c.channel = io.lwm2m.provisioning.bootstrap.credentials.CredentialChannel.SERVER
              and c.mode = io.lwm2m.provisioning.bootstrap.lwm2m.SecurityMode.EST
              and c.status in (io.lwm2m.provisioning.bootstrap.credentials.CredentialStatus.ACTIVE,
                               io.lwm2m.provisioning.bootstrap.credentials.CredentialStatus.PENDING)""")
    List<DeviceCredential> findLiveEstCredentials(@Param("endpoint") String endpoint);

    @Query("""
            select c from DeviceCredential c left join fetch c.server
            where c.device.id = :deviceId and c.status in :statuses""")
    List<DeviceCredential> findByDeviceIdAndStatusIn(@Param("deviceId") Long deviceId,
            @Param("statuses") Collection<CredentialStatus> statuses);

    @Query("""
            select c from DeviceCredential c join fetch c.device left join fetch c.server
            where c.kekVersion is not null and c.kekVersion <> :version order by c.id""")
    List<DeviceCredential> findSealedUnderOtherKek(@Param("version") int version, org.springframework.data.domain.Limit limit);

    @Query("select count(c) from DeviceCredential c where c.kekVersion is not null and c.kekVersion <> :version")
    long countSealedUnderOtherKek(@Param("version") int version);

    /**
     * Locks the device's row ({@code FOR NO KEY UPDATE}) until the transaction ends. Every change of
     * a credential's status takes it first (decision 094): two changes on one device then run one after
     * the other, and the second reads what the first committed instead of writing over it. Readers
     * (handshakes, EST) take no lock and do not wait; the credential tables' checks take none either.
     */
    @Query(value = "SELECT id FROM devices WHERE id = :deviceId FOR NO KEY UPDATE", nativeQuery = true)
    Long holdDevice(@Param("deviceId") long deviceId);

    @Query("select count(c) > 0 from DeviceCredential c where c.channel = :channel and c.pskIdentity = :identity and c.status in :statuses")
    boolean existsLivePskIdentity(@Param("channel") CredentialChannel channel, @Param("identity") String identity,
            @Param("statuses") Collection<CredentialStatus> statuses);
}
