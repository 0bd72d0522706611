package io.lwm2m.provisioning.crypto;

import java.security.SecureRandom;
import java.util.HexFormat;

/** Generates credential material from one strong random source. */
public final class RandomSecrets {

    public static final int MIN_PSK_BYTES = 16;
    public static final int MAX_PSK_BYTES = 64;

    private final SecureRandom random;
    private final int pskKeyBytes;

    public RandomSecrets(SecureRandom random, int pskKeyBytes) {
        if (pskKeyBytes < MIN_PSK_BYTES || pskKeyBytes > MAX_PSK_BYTES) {
            throw new IllegalArgumentException("PSK key length must be " + MIN_PSK_BYTES + ".." + MAX_PSK_BYTES
                    + " bytes, not " + pskKeyBytes);
        }
        this.random = random;
        this.pskKeyBytes = pskKeyBytes;
    }

    /** A fresh PSK key of the configured length. */
    public byte[] pskKey() {
        return bytes(pskKeyBytes);
    }

    /**
     * A fresh PSK identity: random, so it reveals nothing about the device to someone watching
     * handshakes (the identity travels in clear), and ASCII, so every DTLS stack accepts it.
     */
    public String pskIdentity() {
        return HexFormat.of().formatHex(bytes(16));
    }

    public byte[] bytes(int length) {
        byte[] bytes = new byte[length];
        random.nextBytes(bytes);
        return bytes;
    }
}
