package io.lwm2m.provisioning.bootstrap.enrollment;

import io.lwm2m.provisioning.crypto.KeyEncryptionKeys;
import io.lwm2m.provisioning.crypto.RewrappableSecrets;
import io.lwm2m.provisioning.crypto.SecretCipher;
import java.util.List;
import org.springframework.data.domain.Limit;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/** KEK rotation for the enrollment groups' keys and allocation secrets. */
@Component
class GroupSecrets implements RewrappableSecrets {

    private static final int BATCH = 200;

    private final EnrollmentGroupRepository groups;
    private final SecretCipher cipher;
    private final KeyEncryptionKeys keys;
    private final TransactionTemplate transactions;

    GroupSecrets(EnrollmentGroupRepository groups, SecretCipher cipher, KeyEncryptionKeys keys, TransactionTemplate transactions) {
        this.groups = groups;
        this.cipher = cipher;
        this.keys = keys;
        this.transactions = transactions;
    }

    @Override
    public String name() {
        return "enrollment-groups";
    }

    @Override
    public long countNotCurrent() {
        return groups.countSealedUnderOtherKek(keys.currentVersion());
    }

    @Override
    public long rewrapAll() {
        long total = 0;
        while (true) {
            Integer done = transactions.execute(status -> {
                List<EnrollmentGroup> batch = groups.findSealedUnderOtherKek(keys.currentVersion(), Limit.of(BATCH));
                for (EnrollmentGroup group : batch) {
                    if (group.groupKey() != null) {
                        group.resealKey(cipher.rewrap(group.groupKey(), EnrollmentGroup.keyContext(group.name())));
                    }
                    if (group.allocationKeys() != null) {
                        group.allocationKeys().rewrap(cipher, EnrollmentGroup.allocationContext(group.name()));
                    }
                }
                return batch.size();
            });
            if (done == null || done == 0) {
                return total;
            }
            total += done;
        }
    }
}
