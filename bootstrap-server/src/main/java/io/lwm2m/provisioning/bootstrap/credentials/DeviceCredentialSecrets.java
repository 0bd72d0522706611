package io.lwm2m.provisioning.bootstrap.credentials;

import io.lwm2m.provisioning.crypto.KeyEncryptionKeys;
import io.lwm2m.provisioning.crypto.RewrappableSecrets;
import io.lwm2m.provisioning.crypto.SecretCipher;
import java.util.List;
import org.springframework.data.domain.Limit;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/** KEK rotation for the device credentials' sealed keys, in batches of short transactions. */
@Component
class DeviceCredentialSecrets implements RewrappableSecrets {

    private static final int BATCH = 500;

    private final DeviceCredentialRepository credentials;
    private final SecretCipher cipher;
    private final KeyEncryptionKeys keys;
    private final TransactionTemplate transactions;

    DeviceCredentialSecrets(DeviceCredentialRepository credentials, SecretCipher cipher, KeyEncryptionKeys keys,
            TransactionTemplate transactions) {
        this.credentials = credentials;
        this.cipher = cipher;
        this.keys = keys;
        this.transactions = transactions;
    }

    @Override
    public String name() {
        return "device-credentials";
    }

    @Override
    public long countNotCurrent() {
        return credentials.countSealedUnderOtherKek(keys.currentVersion());
    }

    @Override
    public long rewrapAll() {
        long total = 0;
        while (true) {
            Integer done = transactions.execute(status -> {
                List<DeviceCredential> batch = credentials.findSealedUnderOtherKek(keys.currentVersion(), Limit.of(BATCH));
                batch.forEach(c -> c.resealed(cipher.rewrap(c.sealedSecret(), c.secretContext())));
                return batch.size();
            });
            if (done == null || done == 0) {
                return total;
            }
            total += done;
        }
    }
}
