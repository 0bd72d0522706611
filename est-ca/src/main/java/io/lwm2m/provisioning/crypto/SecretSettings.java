package io.lwm2m.provisioning.crypto;

import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * {@code provisioning.secrets.*}: the key-encryption key (KEK) that seals every stored secret.
 *
 * @param kek          base64 of 32 bytes (AES-256), for example from a Kubernetes secret; empty: a key
 *                     generated once into {@code <data-dir>/kek}
 * @param kekVersion   the version stored with each secret sealed under that KEK
 * @param previousKeks older KEKs still needed to read rows not yet re-wrapped, each {@code <version>:<base64>}
 */
@ConfigurationProperties("provisioning.secrets")
public record SecretSettings(
        @DefaultValue("") String kek,
        @DefaultValue("1") int kekVersion,
        @DefaultValue List<String> previousKeks) {

    public SecretSettings {
        if (kekVersion < 1) {
            throw new IllegalArgumentException("provisioning.secrets.kek-version must be at least 1, not " + kekVersion);
        }
        previousKeks = List.copyOf(previousKeks);
    }

    /** Never the keys themselves: settings get logged by failure analyzers and debuggers. */
    @Override
    public String toString() {
        return "SecretSettings[kek=" + (kek.isBlank() ? "(generated)" : "(set)") + ", kekVersion=" + kekVersion
                + ", previousKeks=" + previousKeks.size() + "]";
    }
}
