package io.lwm2m.provisioning.crypto;

import java.util.Map;
import java.util.TreeMap;
import javax.crypto.SecretKey;
import javax.crypto.spec.SecretKeySpec;

/**
 * The key-encryption keys (KEKs) by version: the current one wraps new data keys, older ones
 * still unwrap the rows written under them until those are re-wrapped.
 */
public final class KeyEncryptionKeys {

    public static final int KEY_BYTES = 32;

    private final Map<Integer, SecretKey> keys = new TreeMap<>();
    private final int currentVersion;

    public KeyEncryptionKeys(int currentVersion, byte[] currentKey) {
        this.currentVersion = currentVersion;
        add(currentVersion, currentKey);
    }

    /** Registers a previous KEK so that rows still wrapped under it can be read. */
    public KeyEncryptionKeys add(int version, byte[] key) {
        if (version < 1) {
            throw new IllegalArgumentException("a KEK version is a positive number, not " + version);
        }
        if (key.length != KEY_BYTES) {
            throw new IllegalArgumentException("a KEK is " + KEY_BYTES + " bytes (AES-256), not " + key.length);
        }
        keys.put(version, new SecretKeySpec(key, "AES"));
        return this;
    }

    public int currentVersion() {
        return currentVersion;
    }

    SecretKey current() {
        return keys.get(currentVersion);
    }

    SecretKey version(int version) {
        SecretKey key = keys.get(version);
        if (key == null) {
            throw new SecretUnavailableException("no key-encryption key of version " + version + " is configured");
        }
        return key;
    }

    @Override
    public String toString() {
        return "KeyEncryptionKeys[current=" + currentVersion + ", versions=" + keys.keySet() + "]";
    }
}
