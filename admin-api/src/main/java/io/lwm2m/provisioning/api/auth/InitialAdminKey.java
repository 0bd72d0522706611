package io.lwm2m.provisioning.api.auth;

import io.lwm2m.provisioning.crypto.OwnerOnlyFiles;
import io.lwm2m.provisioning.persistence.DataDirectory;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.ApplicationArguments;
import org.springframework.boot.ApplicationRunner;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.stereotype.Component;

/**
 * On a fresh install (no API key at all) creates the first admin key. An operator can give it
 * ({@code provisioning.api.initial-admin-key-file}, e.g. a mounted Kubernetes Secret, or
 * {@code provisioning.api.initial-admin-key}); otherwise a new key is written to
 * {@code <data-dir>/initial-admin-key}, readable by its owner only. The log says where; never the key.
 */
@Component
@EnableConfigurationProperties(InitialAdminKeySettings.class)
class InitialAdminKey implements ApplicationRunner {

    private static final Logger log = LoggerFactory.getLogger(InitialAdminKey.class);

    private final ApiKeyService keys;
    private final Path dataDir;
    private final InitialAdminKeySettings settings;
    private final String given;

    /** Reads and checks a given key right away: a wrong one stops the start before anything listens. */
    InitialAdminKey(ApiKeyService keys, DataDirectory dataDirectory, InitialAdminKeySettings settings) {
        this.keys = keys;
        this.dataDir = dataDirectory.dataDir();
        this.settings = settings;
        this.given = given(settings);
    }

    @Override
    public void run(ApplicationArguments args) {
        if (given != null) {
            keys.createInitialAdminKeyIfNone(given).ifPresentOrElse(
                    key -> log.info("No API key existed, so the admin key given in {} was stored (as its hash).", settings.source()),
                    () -> log.info("API keys exist, so the initial admin key in {} is not used.", settings.source()));
            return;
        }
        keys.createInitialAdminKeyIfNone().ifPresent(key -> {
            Path file = dataDir.resolve("initial-admin-key").toAbsolutePath();
            try {
                OwnerOnlyFiles.write(file, key + "\n");
            } catch (IOException e) {
                throw new UncheckedIOException("could not write the initial admin key to " + file, e);
            }
            log.info("No API key existed, so an admin API key was created and written to {} (readable by its "
                    + "owner only). Use it as 'Authorization: Bearer <key>'.", file);
        });
    }

    /** The operator's key, checked; null when none is configured. */
    private static String given(InitialAdminKeySettings settings) {
        String key = settings.initialAdminKey();
        if (settings.initialAdminKeyFile() != null) {
            try {
                key = Files.readString(settings.initialAdminKeyFile(), StandardCharsets.UTF_8).trim();
            } catch (IOException e) {
                throw new IllegalStateException("provisioning.api.initial-admin-key-file: cannot read "
                        + settings.initialAdminKeyFile() + " (" + e.getMessage() + ")", e);
            }
        }
        if (key != null && !ApiKeyService.isWellFormed(key)) {
            throw new IllegalStateException(settings.source() + " does not hold an API key: it must be bsk_ followed by at "
                    + "least 43 base64url characters (A-Z, a-z, 0-9, - and _), at most 128 characters in all, e.g. "
                    + "bsk_$(openssl rand -base64 32 | tr '+/' '-_' | tr -d '=')");
        }
        return key;
    }
}
