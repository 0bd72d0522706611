package io.lwm2m.provisioning.crypto;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Arrays;
import javax.crypto.Cipher;
import javax.crypto.SecretKey;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Envelope encryption of secrets at rest: each secret gets its own AES-256 data key, the secret is
 * sealed with AES-GCM under it, and the data key is sealed with AES-GCM under the current KEK.
 *
 * <p>The caller's {@code context} (for example the owning row's natural key) is bound into both
 * GCM tags as associated data, so a ciphertext copied to another row does not open there.
 *
 * <p>Bulk work may {@linkplain #shareDataKeys() share a data key} among the secrets a thread seals
 * (decision 013): each secret still stores that key wrapped under its own context, so what is
 * stored has the same form and {@link #open} does not tell the two apart.
 */
public final class SecretCipher {

    private static final int NONCE_BYTES = 12;
    private static final int TAG_BITS = 128;

    /** The most secrets sealed under one shared data key before a fresh one is drawn. */
    static final int SECRETS_PER_SHARED_DATA_KEY = 4096;

    /**
     * Cipher.getInstance looks the provider up every time; bulk imports seal tens of thousands of
     * secrets a second. Two per thread, one for data keys and one for KEKs: an AES cipher keeps the
     * key schedule of the last key it was given, so a KEK is not expanded again for every secret.
     */
    private static final ThreadLocal<Cipher> DATA_GCM = ThreadLocal.withInitial(SecretCipher::gcm);
    private static final ThreadLocal<Cipher> KEK_GCM = ThreadLocal.withInitial(SecretCipher::gcm);

    private final KeyEncryptionKeys keks;
    private final SecureRandom random;
    private final ThreadLocal<SharedDataKey> shared = new ThreadLocal<>();

    public SecretCipher(KeyEncryptionKeys keks, SecureRandom random) {
        this.keks = keks;
        this.random = random;
    }

    public SealedSecret seal(byte[] secret, String context) {
        SharedDataKey sharing = shared.get();
        if (sharing != null) {
            return sharing.seal(secret, context);
        }
        byte[] dataKey = new byte[32];
        random.nextBytes(dataKey);
        try {
            return seal(dataKey, new SecretKeySpec(dataKey, "AES"), secret, context);
        } finally {
            Arrays.fill(dataKey, (byte) 0);
        }
    }

    private SealedSecret seal(byte[] dataKey, SecretKey dataKeySpec, byte[] secret, String context) {
        byte[] ciphertext = encrypt(DATA_GCM.get(), dataKeySpec, secret, aad("secret", context));
        int version = keks.currentVersion();
        byte[] wrapped = encrypt(KEK_GCM.get(), keks.current(), dataKey, aad("data-key:v" + version, context));
        return new SealedSecret(ciphertext, wrapped, version);
    }

    /**
     * Until the returned scope is closed, {@link #seal} on this thread seals under one data key
     * (a fresh one every {@value #SECRETS_PER_SHARED_DATA_KEY} secrets) instead of drawing one per
     * secret; every secret still gets its own nonce, and its own copy of the data key wrapped under
     * its context. For bulk work (an import batch): it saves a random draw and an AES key expansion
     * per secret. The data key is zeroed when the scope closes. Scopes do not nest.
     */
    public SharedDataKey shareDataKeys() {
        if (shared.get() != null) {
            throw new IllegalStateException("this thread already shares a data key");
        }
        SharedDataKey sharing = new SharedDataKey();
        shared.set(sharing);
        return sharing;
    }

    /** A data key shared by the secrets one thread seals; see {@link #shareDataKeys()}. */
    public final class SharedDataKey implements AutoCloseable {

        private final byte[] dataKey = new byte[32];
        private SecretKeySpec spec;
        private int uses = SECRETS_PER_SHARED_DATA_KEY;

        private SharedDataKey() {
        }

        private SealedSecret seal(byte[] secret, String context) {
            if (uses == SECRETS_PER_SHARED_DATA_KEY) {
                random.nextBytes(dataKey);
                spec = new SecretKeySpec(dataKey, "AES");
                uses = 0;
            }
            uses++;
            return SecretCipher.this.seal(dataKey, spec, secret, context);
        }

        @Override
        public void close() {
            Arrays.fill(dataKey, (byte) 0);
            spec = null;
            if (shared.get() == this) {
                shared.remove();
            }
        }
    }

    public byte[] open(SealedSecret sealed, String context) {
        int version = sealed.kekVersion();
        byte[] dataKey = decrypt(KEK_GCM.get(), keks.version(version), sealed.wrappedDataKey(), aad("data-key:v" + version, context));
        try {
            return decrypt(DATA_GCM.get(), new SecretKeySpec(dataKey, "AES"), sealed.ciphertext(), aad("secret", context));
        } finally {
            Arrays.fill(dataKey, (byte) 0);
        }
    }

    /** Re-wraps the data key under the current KEK; the secret's ciphertext stays as it is. */
    public SealedSecret rewrap(SealedSecret sealed, String context) {
        if (sealed.kekVersion() == keks.currentVersion()) {
            return sealed;
        }
        byte[] dataKey = decrypt(KEK_GCM.get(), keks.version(sealed.kekVersion()), sealed.wrappedDataKey(),
                aad("data-key:v" + sealed.kekVersion(), context));
        try {
            int version = keks.currentVersion();
            return new SealedSecret(sealed.ciphertext(),
                    encrypt(KEK_GCM.get(), keks.current(), dataKey, aad("data-key:v" + version, context)), version);
        } finally {
            Arrays.fill(dataKey, (byte) 0);
        }
    }

    private static byte[] aad(String purpose, String context) {
        return (purpose + "|" + context).getBytes(StandardCharsets.UTF_8);
    }

    private static Cipher gcm() {
        try {
            return Cipher.getInstance("AES/GCM/NoPadding");
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM is not available", e);
        }
    }

    private byte[] encrypt(Cipher cipher, SecretKey key, byte[] plaintext, byte[] aad) {
        byte[] nonce = new byte[NONCE_BYTES];
        random.nextBytes(nonce);
        try {
            cipher.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, nonce));
            cipher.updateAAD(aad);
            byte[] sealed = cipher.doFinal(plaintext);
            return ByteBuffer.allocate(NONCE_BYTES + sealed.length).put(nonce).put(sealed).array();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM is not available", e);
        }
    }

    private static byte[] decrypt(Cipher cipher, SecretKey key, byte[] nonceAndCiphertext, byte[] aad) {
        if (nonceAndCiphertext == null || nonceAndCiphertext.length < NONCE_BYTES + TAG_BITS / 8) {
            throw new SecretUnavailableException("stored secret is truncated");
        }
        try {
            cipher.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, nonceAndCiphertext, 0, NONCE_BYTES));
            cipher.updateAAD(aad);
            return cipher.doFinal(nonceAndCiphertext, NONCE_BYTES, nonceAndCiphertext.length - NONCE_BYTES);
        } catch (javax.crypto.AEADBadTagException e) {
            throw new SecretUnavailableException("stored secret does not authenticate (wrong KEK, or the row was altered)", e);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM is not available", e);
        }
    }
}
