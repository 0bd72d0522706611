package io.lwm2m.provisioning.api.auth;

import java.nio.file.Path;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * {@code provisioning.api.initial-admin-key[-file]}: the first admin key, given by the operator instead
 * of generated. Used only while no API key exists; only its hash is stored.
 *
 * @param initialAdminKey     the key itself (from an environment variable fed by a secret)
 * @param initialAdminKeyFile a file holding it (a mounted secret); wins over {@code initialAdminKey}
 */
@ConfigurationProperties("provisioning.api")
record InitialAdminKeySettings(String initialAdminKey, Path initialAdminKeyFile) {

    InitialAdminKeySettings {
        initialAdminKey = initialAdminKey == null || initialAdminKey.isBlank() ? null : initialAdminKey.trim();
    }

    /** Where the key comes from, for messages (never the key). */
    String source() {
        return initialAdminKeyFile != null ? "provisioning.api.initial-admin-key-file (" + initialAdminKeyFile + ")"
                : "provisioning.api.initial-admin-key";
    }
}
