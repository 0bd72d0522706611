package io.lwm2m.provisioning.api.auth;

import io.lwm2m.provisioning.crypto.OwnerOnlyFiles;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.ApplicationArguments;
import org.springframework.boot.ApplicationRunner;
import org.springframework.stereotype.Component;

/**
 * On a fresh install (no API key at all) creates one admin key and writes it to
 * {@code <data-dir>/initial-admin-key}, readable by its owner only. The log says where; never the key.
 */
@Component
class InitialAdminKey implements ApplicationRunner {

    private static final Logger log = LoggerFactory.getLogger(InitialAdminKey.class);

    private final ApiKeyService keys;
    private final Path dataDir;

    InitialAdminKey(ApiKeyService keys, @Value("${provisioning.data-dir:./data}") Path dataDir) {
        this.keys = keys;
        this.dataDir = dataDir;
    }

    @Override
    public void run(ApplicationArguments args) {
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
}
