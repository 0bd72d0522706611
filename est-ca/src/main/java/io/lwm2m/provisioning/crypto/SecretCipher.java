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
 */
public final class SecretCipher {

    private static final int NONCE_BYTES = 12;
    private static final int TAG_BITS = 128;

    /** Cipher.getInstance looks the provider up every time; bulk imports seal tens of thousands of secrets a second. */
    private static final ThreadLocal<Cipher> GCM = ThreadLocal.withInitial(() -> {
        try {
            return Cipher.getInstance("AES/GCM/NoPadding");
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM is not available", e);
        }
    });

    private final KeyEncryptionKeys keks;
    private final SecureRandom random;

    public SecretCipher(KeyEncryptionKeys keks, SecureRandom random) {
        this.keks = keks;
        this.random = random;
    }

    public SealedSecret seal(byte[] secret, String context) {
        byte[] dataKey = new byte[32];
        random.nextBytes(dataKey);
        try {
            byte[] ciphertext = encrypt(new SecretKeySpec(dataKey, "AES"), secret, aad("secret", context));
            int version = keks.currentVersion();
            byte[] wrapped = encrypt(keks.current(), dataKey, aad("data-key:v" + version, context));
            return new SealedSecret(ciphertext, wrapped, version);
        } finally {
            Arrays.fill(dataKey, (byte) 0);
        }
    }

    public byte[] open(SealedSecret sealed, String context) {
        int version = sealed.kekVersion();
        byte[] dataKey = decrypt(keks.version(version), sealed.wrappedDataKey(), aad("data-key:v" + version, context));
        try {
            return decrypt(new SecretKeySpec(dataKey, "AES"), sealed.ciphertext(), aad("secret", context));
        } finally {
            Arrays.fill(dataKey, (byte) 0);
        }
    }

    /** Re-wraps the data key under the current KEK; the secret's ciphertext stays as it is. */
    public SealedSecret rewrap(SealedSecret sealed, String context) {
        if (sealed.kekVersion() == keks.currentVersion()) {
            return sealed;
        }
        byte[] dataKey = decrypt(keks.version(sealed.kekVersion()), sealed.wrappedDataKey(),
                aad("data-key:v" + sealed.kekVersion(), context));
        try {
            int version = keks.currentVersion();
            return new SealedSecret(sealed.ciphertext(), encrypt(keks.current(), dataKey, aad("data-key:v" + version, context)), version);
        } finally {
            Arrays.fill(dataKey, (byte) 0);
        }
    }

    private static byte[] aad(String purpose, String context) {
        return (purpose + "|" + context).getBytes(StandardCharsets.UTF_8);
    }

    private byte[] encrypt(SecretKey key, byte[] plaintext, byte[] aad) {
        byte[] nonce = new byte[NONCE_BYTES];
        random.nextBytes(nonce);
        try {
            Cipher cipher = GCM.get();
            cipher.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, nonce));
            cipher.updateAAD(aad);
            byte[] sealed = cipher.doFinal(plaintext);
            return ByteBuffer.allocate(NONCE_BYTES + sealed.length).put(nonce).put(sealed).array();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM is not available", e);
        }
    }

    private static byte[] decrypt(SecretKey key, byte[] nonceAndCiphertext, byte[] aad) {
        if (nonceAndCiphertext == null || nonceAndCiphertext.length < NONCE_BYTES + TAG_BITS / 8) {
            throw new SecretUnavailableException("stored secret is truncated");
        }
        try {
            Cipher cipher = GCM.get();
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
