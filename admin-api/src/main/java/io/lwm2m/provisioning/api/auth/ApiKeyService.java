package io.lwm2m.provisioning.api.auth;

import io.lwm2m.provisioning.audit.Actor;
import io.lwm2m.provisioning.audit.AuditEvent;
import io.lwm2m.provisioning.audit.AuditSink;
import io.lwm2m.provisioning.crypto.RandomSecrets;
import io.lwm2m.provisioning.persistence.AdvisoryLocks;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * Issues and checks API keys. A key is {@code bsk_} + 256 random bits; only its SHA-256 is
 * stored (a slow password hash buys nothing for keys with this much entropy, and a single
 * indexed lookup keeps authentication O(1)).
 */
@Service
public class ApiKeyService {

    private static final String PREFIX = "bsk_";
    /** Makes creating the initial key a once-only step across replicas starting together. */
    private static final long INITIAL_KEY_LOCK = 0x696e69744b6579L; // "initKey"

    @PersistenceContext
    private EntityManager em;

    private final ApiKeyRepository keys;
    private final RandomSecrets random;
    private final AuditSink audit;
    private final Clock clock;

    ApiKeyService(ApiKeyRepository keys, RandomSecrets random, AuditSink audit, Clock clock) {
        this.keys = keys;
        this.random = random;
        this.audit = audit;
        this.clock = clock;
    }

    /** The key's owner, if the key exists and is valid now. */
    @Transactional(readOnly = true)
    public Optional<ApiKey> authenticate(String presentedKey) {
        if (presentedKey == null || !presentedKey.startsWith(PREFIX) || presentedKey.length() > 128) {
            return Optional.empty();
        }
        return keys.findByKeyHash(hash(presentedKey)).filter(k -> k.validAt(clock.instant()));
    }

    /** Creates the first admin key if there is no key at all; returns it, or empty if keys exist. */
    @Transactional
    public Optional<String> createInitialAdminKeyIfNone() {
        AdvisoryLocks.lock(em, INITIAL_KEY_LOCK);
        if (keys.count() > 0) {
            return Optional.empty();
        }
        String key = PREFIX + Base64.getUrlEncoder().withoutPadding().encodeToString(random.bytes(32));
        keys.save(new ApiKey("initial-admin", Role.ADMIN, hash(key), key.substring(0, 10), clock.instant(), "system", null));
        audit.record(Actor.SYSTEM.event("api-key.create", "api-key:initial-admin", AuditEvent.Outcome.SUCCESS,
                Map.of("role", Role.ADMIN.apiName())));
        return Optional.of(key);
    }

    static byte[] hash(String key) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
