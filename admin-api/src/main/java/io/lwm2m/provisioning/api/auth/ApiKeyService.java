package io.lwm2m.provisioning.api.auth;

import io.lwm2m.provisioning.audit.Actor;
import io.lwm2m.provisioning.audit.AuditEvent;
import io.lwm2m.provisioning.audit.AuditSink;
import io.lwm2m.provisioning.crypto.RandomSecrets;
import io.lwm2m.provisioning.errors.ConflictException;
import io.lwm2m.provisioning.errors.FieldProblems;
import io.lwm2m.provisioning.errors.NotFoundException;
import io.lwm2m.provisioning.persistence.AdvisoryLocks;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.springframework.data.domain.Limit;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * Issues and checks API keys. A key is {@code bsk_} + 256 random bits; only its SHA-256 is
 * stored (a slow password hash buys nothing for keys with this much entropy, and a single
 * indexed lookup keeps authentication O(1)).
 */
@Service
public class ApiKeyService implements ApiKeyAuthenticator {

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

    @Override
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
        return createInitialAdminKeyIfNone(null);
    }

    /**
     * Creates the first admin key if there is no key at all: {@code given} (an operator's key from a
     * secret, already checked by {@link #isWellFormed}), or a new one when null. Returns the key, or
     * empty if keys exist.
     */
    @Transactional
    public Optional<String> createInitialAdminKeyIfNone(String given) {
        AdvisoryLocks.lock(em, INITIAL_KEY_LOCK);
        if (keys.count() > 0) {
            return Optional.empty();
        }
        String key = given == null ? newKey() : given;
        keys.save(new ApiKey("initial-admin", Role.ADMIN, hash(key), key.substring(0, 10), clock.instant(), "system", null));
        audit.record(Actor.SYSTEM.event("api-key.create", "api-key:initial-admin", AuditEvent.Outcome.SUCCESS,
                Map.of("role", Role.ADMIN.apiName())));
        return Optional.of(key);
    }

    /**
     * Creates a key for {@code role}, valid until {@code expiresAt} (null: until revoked). The key
     * itself is returned here only; the database keeps its hash.
     */
    @Transactional
    public CreatedKey create(String name, Role role, Instant expiresAt, Actor actor) {
        FieldProblems problems = new FieldProblems();
        if (name == null || name.isBlank()) {
            problems.add("name", "is required: what or who the key is for");
        } else if (name.length() > 128 || !name.chars().allMatch(c -> c >= 0x20 && c != 0x7f)) {
            problems.add("name", "must be at most 128 printable characters");
        }
        if (role == null) {
            problems.add("role", "is required: one of " + List.of(Role.values()).stream().map(Role::apiName).toList());
        }
        Instant now = clock.instant();
        if (expiresAt != null && !expiresAt.isAfter(now)) {
            problems.add("expiresAt", "must be in the future");
        }
        problems.throwIfAny();
        String key = newKey();
        ApiKey stored = keys.save(new ApiKey(name, role, hash(key), key.substring(0, 10), now, actor.name(), expiresAt));
        audit.record(actor.event("api-key.create", "api-key:" + stored.id(), AuditEvent.Outcome.SUCCESS,
                Map.of("name", name, "role", role.apiName(), "expiresAt", expiresAt == null ? "" : expiresAt.toString())));
        return new CreatedKey(stored, key);
    }

    /** One page of keys, oldest first, after the key with id {@code afterId} (0: from the start). */
    @Transactional(readOnly = true)
    public List<ApiKey> list(long afterId, int limit) {
        return keys.findByIdGreaterThanOrderById(afterId, Limit.of(limit));
    }

    @Transactional(readOnly = true)
    public ApiKey get(long id) {
        return keys.findById(id).orElseThrow(() -> new NotFoundException("no API key with id " + id));
    }

    /**
     * Revokes a key: it stops authenticating at once; its row stays. Revoking a revoked key changes
     * nothing. The last valid admin key cannot be revoked: nobody could manage keys afterwards.
     */
    @Transactional
    public ApiKey revoke(long id, Actor actor) {
        AdvisoryLocks.lock(em, INITIAL_KEY_LOCK);
        ApiKey key = get(id);
        if (key.revokedAt() != null) {
            return key;
        }
        Instant now = clock.instant();
        if (key.role() == Role.ADMIN && key.validAt(now) && keys.countValid(Role.ADMIN, now) <= 1) {
            throw new ConflictException("id", "API key " + id + " is the last valid admin key; create another admin key first");
        }
        key.revoke(now, actor.name());
        audit.record(actor.event("api-key.revoke", "api-key:" + id, AuditEvent.Outcome.SUCCESS,
                Map.of("name", key.name(), "role", key.role().apiName())));
        return key;
    }

    /**
     * A key this server could have made: {@code bsk_} and at least 43 characters of base64url (256 bits),
     * at most 128 characters in all ({@link #authenticate} looks no further).
     */
    public static boolean isWellFormed(String key) {
        return key != null && key.startsWith(PREFIX) && key.length() >= PREFIX.length() + 43 && key.length() <= 128
                && key.substring(PREFIX.length()).chars().allMatch(c -> Character.isLetterOrDigit(c) && c < 128 || c == '-' || c == '_');
    }

    private String newKey() {
        return PREFIX + Base64.getUrlEncoder().withoutPadding().encodeToString(random.bytes(32));
    }

    /** A new key and the only copy of its secret value. */
    public record CreatedKey(ApiKey stored, String key) {

        @Override
        public String toString() {
            return "CreatedKey[" + stored.id() + "]";
        }
    }

    static byte[] hash(String key) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
