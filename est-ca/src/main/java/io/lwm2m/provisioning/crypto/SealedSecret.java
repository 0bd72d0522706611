package io.lwm2m.provisioning.crypto;

/**
 * A secret as it is stored: the ciphertext under a one-off data key, and that data key wrapped by
 * the key-encryption key of version {@code kekVersion}. Both byte arrays start with their GCM nonce.
 */
public record SealedSecret(byte[] ciphertext, byte[] wrappedDataKey, int kekVersion) {

    @Override
    public String toString() {
        return "SealedSecret[kekVersion=" + kekVersion + "]";
    }
}
