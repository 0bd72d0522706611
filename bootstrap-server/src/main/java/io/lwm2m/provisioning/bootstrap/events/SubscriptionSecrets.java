package io.lwm2m.provisioning.bootstrap.events;

import io.lwm2m.provisioning.crypto.KeyEncryptionKeys;
import io.lwm2m.provisioning.crypto.RewrappableSecrets;
import io.lwm2m.provisioning.crypto.SecretCipher;
import java.util.List;
import org.springframework.data.domain.Limit;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/** KEK rotation for the subscriptions' signing secrets. */
@Component
class SubscriptionSecrets implements RewrappableSecrets {

    private static final int BATCH = 200;

    private final EventSubscriptionRepository subscriptions;
    private final SecretCipher cipher;
    private final KeyEncryptionKeys keys;
    private final TransactionTemplate transactions;

    SubscriptionSecrets(EventSubscriptionRepository subscriptions, SecretCipher cipher, KeyEncryptionKeys keys,
            TransactionTemplate transactions) {
        this.subscriptions = subscriptions;
        this.cipher = cipher;
        this.keys = keys;
        this.transactions = transactions;
    }

    @Override
    public String name() {
        return "event-subscriptions";
    }

    @Override
    public long countNotCurrent() {
        return subscriptions.countSealedUnderOtherKek(keys.currentVersion());
    }

    @Override
    public long rewrapAll() {
        long total = 0;
        while (true) {
            Integer done = transactions.execute(status -> {
                List<EventSubscription> batch = subscriptions.findSealedUnderOtherKek(keys.currentVersion(), Limit.of(BATCH));
                batch.forEach(s -> s.keys().rewrap(cipher, s.secretContext()));
                return batch.size();
            });
            if (done == null || done == 0) {
                return total;
            }
            total += done;
        }
    }
}
