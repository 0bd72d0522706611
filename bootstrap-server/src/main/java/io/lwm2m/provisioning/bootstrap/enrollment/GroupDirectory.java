package io.lwm2m.provisioning.bootstrap.enrollment;

import io.lwm2m.provisioning.crypto.SecretCipher;
import io.lwm2m.provisioning.bootstrap.settings.EnrollmentSettings;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The enrollment groups as the DTLS handshake consults them, held in memory (group keys opened) and
 * re-read every {@code provisioning.enrollment.refresh-interval}, so that a handshake of an unknown
 * identity costs no database access beyond the lookup it already made: a symmetric-key group answers
 * the derived key of an identity with its prefix, an X.509 group vouches for a manufacturer CA. Whether
 * the device is then admitted is decided on the group's current row ({@link Admissions}), so a group
 * disabled on another replica admits nobody even while this copy is a few seconds old.
 */
@Component
public class GroupDirectory {

    private static final Logger log = LoggerFactory.getLogger(GroupDirectory.class);

    private final EnrollmentGroupRepository groups;
    private final SecretCipher cipher;
    private final TransactionTemplate readOnly;
    private volatile Snapshot snapshot;

    GroupDirectory(EnrollmentGroupRepository groups, SecretCipher cipher, PlatformTransactionManager transactions) {
        this.groups = groups;
        this.cipher = cipher;
        this.readOnly = new TransactionTemplate(transactions);
        this.readOnly.setReadOnly(true);
    }

    /** A symmetric-key group: its identity prefix and its key, opened. */
    record SymmetricGroup(long id, String name, String prefix, byte[] key, int keyLength) {
    }

    /** An X.509 group: the manufacturer CAs whose certificates it takes. */
    record X509Group(long id, String name, List<String> manufacturerCas, EnrollmentGroup.EndpointFrom endpointFrom) {
    }

    private record Snapshot(List<SymmetricGroup> symmetric, List<X509Group> x509) {
    }

    /**
     * The PSK a symmetric-key group derives for {@code identity}: when the identity starts with a
     * group's prefix and the rest is an endpoint. Empty otherwise (a garbage identity stays garbage).
     */
    public Optional<byte[]> derivedKey(String identity) {
        return symmetricFor(identity).map(group -> GroupKeys.derive(group.key(), identity, group.keyLength()));
    }

    /** Whether an X.509 group takes the certificates of this registered manufacturer CA. */
    public boolean coversManufacturerCa(String manufacturerCa) {
        return manufacturerCa != null && x509For(manufacturerCa).isPresent();
    }

    /** The symmetric-key group whose prefix {@code identity} starts with and whose rest is an endpoint (prefixes are prefix-free). */
    Optional<SymmetricGroup> symmetricFor(String identity) {
        return current().symmetric().stream()
                .filter(g -> identity.startsWith(g.prefix())
                        && io.lwm2m.provisioning.bootstrap.devices.EndpointName.isValid(identity.substring(g.prefix().length())))
                .findFirst();
    }

    /** The X.509 group that takes this manufacturer CA's certificates (a CA is in one group at most). */
    Optional<X509Group> x509For(String manufacturerCa) {
        return current().x509().stream().filter(g -> g.manufacturerCas().contains(manufacturerCa)).findFirst();
    }

    private Snapshot current() {
        Snapshot current = snapshot;
        return current != null ? current : refresh();
    }

    @Scheduled(fixedDelayString = "${provisioning.enrollment.refresh-interval:" + EnrollmentSettings.REFRESH_INTERVAL + "}")
    void scheduledRefresh() {
        try {
            refresh();
        } catch (RuntimeException e) {
            // The database away: keep the groups read last; the next round tries again.
            log.debug("Could not re-read the enrollment groups", e);
        }
    }

    /** Reads the groups again (after a change on this replica). */
    Snapshot refresh() {
        Snapshot read = readOnly.execute(status -> {
            List<EnrollmentGroup> all = groups.findAll();
            return new Snapshot(
                    all.stream().filter(g -> g.mechanism() == EnrollmentGroup.Mechanism.SYMMETRIC_KEY)
                            .map(g -> new SymmetricGroup(g.id(), g.name(), g.identityPrefix(),
                                    cipher.open(g.groupKey(), EnrollmentGroup.keyContext(g.name())), g.derivedKeyLength()))
                            .toList(),
                    all.stream().filter(g -> g.mechanism() == EnrollmentGroup.Mechanism.X509)
                            .map(g -> new X509Group(g.id(), g.name(), g.manufacturerCas(), g.endpointFrom())).toList());
        });
        snapshot = read;
        return read;
    }
}
