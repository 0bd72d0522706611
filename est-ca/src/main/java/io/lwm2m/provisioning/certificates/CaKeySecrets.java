package io.lwm2m.provisioning.certificates;

import io.lwm2m.provisioning.crypto.KeyEncryptionKeys;
import io.lwm2m.provisioning.crypto.RewrappableSecrets;
import io.lwm2m.provisioning.crypto.SecretCipher;
import java.util.List;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/** KEK rotation for the CA's sealed keys. */
@Component
class CaKeySecrets implements RewrappableSecrets {

    private final CaAuthorityRepository authorities;
    private final SecretCipher cipher;
    private final KeyEncryptionKeys keys;
    private final TransactionTemplate transactions;

    CaKeySecrets(CaAuthorityRepository authorities, SecretCipher cipher, KeyEncryptionKeys keys, TransactionTemplate transactions) {
        this.authorities = authorities;
        this.cipher = cipher;
        this.keys = keys;
        this.transactions = transactions;
    }

    @Override
    public String name() {
        return "ca-keys";
    }

    @Override
    public long countNotCurrent() {
        return authorities.findSealedUnderOtherKek(keys.currentVersion()).size();
    }

    @Override
    public long rewrapAll() {
        Integer done = transactions.execute(status -> {
            List<CaAuthority> stale = authorities.findSealedUnderOtherKek(keys.currentVersion());
            for (CaAuthority ca : stale) {
                if (ca.issuingKey() != null) {
                    ca.issuingKey(cipher.rewrap(ca.issuingKey(), CaAuthority.ISSUING_KEY_CONTEXT));
                }
                if (ca.rootKey() != null) {
                    ca.rootKey(cipher.rewrap(ca.rootKey(), CaAuthority.ROOT_KEY_CONTEXT));
                }
            }
            return stale.size();
        });
        return done == null ? 0 : done;
    }
}
