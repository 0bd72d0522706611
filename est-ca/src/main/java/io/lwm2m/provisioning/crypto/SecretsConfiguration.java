package io.lwm2m.provisioning.crypto;

import io.lwm2m.provisioning.persistence.DataDirectory;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Base64;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Where the key-encryption key comes from: {@code provisioning.secrets.kek} (base64 of 32 bytes,
 * for example from a Kubernetes secret) or, for a single-node install, a key generated once into
 * {@code <data-dir>/kek}, readable by its owner only.
 */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties({SecretSettings.class, DataDirectory.class})
public class SecretsConfiguration {

    private static final Logger log = LoggerFactory.getLogger(SecretsConfiguration.class);

    @Bean
    SecureRandom secureRandom() {
        return new SecureRandom();
    }

    @Bean
    KeyEncryptionKeys keyEncryptionKeys(SecretSettings settings, DataDirectory dataDirectory, SecureRandom random) {
        int kekVersion = settings.kekVersion();
        KeyEncryptionKeys keys = currentKek(settings.kek(), kekVersion, dataDirectory, random);
        // Older KEKs stay readable until `POST /api/v1/secrets/rewrap` has moved every row to the current one.
        for (String entry : settings.previousKeks()) {
            if (entry.isBlank()) {
                continue;
            }
            int colon = entry.indexOf(':');
            if (colon < 1) {
                throw new IllegalStateException("provisioning.secrets.previous-keks entries are <version>:<base64 key>");
            }
            int version;
            try {
                version = Integer.parseInt(entry.substring(0, colon).trim());
            } catch (NumberFormatException e) {
                throw new IllegalStateException("provisioning.secrets.previous-keks: the version before ':' must be a number");
            }
            if (version == kekVersion) {
                throw new IllegalStateException("provisioning.secrets.previous-keks repeats the current KEK version " + version);
            }
            keys.add(version, decode(entry.substring(colon + 1), "provisioning.secrets.previous-keks (version " + version + ")"));
        }
        return keys;
    }

    private static KeyEncryptionKeys currentKek(String configuredKek, int kekVersion, DataDirectory dataDir, SecureRandom random) {
        if (!configuredKek.isBlank()) {
            return new KeyEncryptionKeys(kekVersion, decode(configuredKek, "provisioning.secrets.kek"));
        }
        Path file = dataDir.resolve("kek");
        try {
            if (!Files.exists(file)) {
                byte[] key = new byte[KeyEncryptionKeys.KEY_BYTES];
                random.nextBytes(key);
                OwnerOnlyFiles.write(file, Base64.getEncoder().encodeToString(key));
                log.info("Generated a key-encryption key in {} (owner-only). Back it up with the database: "
                        + "without it the stored secrets cannot be read.", file.toAbsolutePath());
            }
            return new KeyEncryptionKeys(kekVersion, decode(Files.readString(file, StandardCharsets.US_ASCII), file.toString()));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read or create the key-encryption key " + file.toAbsolutePath(), e);
        }
    }

    @Bean
    SecretCipher secretCipher(KeyEncryptionKeys keys, SecureRandom random) {
        return new SecretCipher(keys, random);
    }

    private static byte[] decode(String base64, String source) {
        try {
            byte[] key = Base64.getDecoder().decode(base64.trim());
            if (key.length != KeyEncryptionKeys.KEY_BYTES) {
                throw new IllegalStateException(source + " must hold " + KeyEncryptionKeys.KEY_BYTES
                        + " bytes in base64 (AES-256), it holds " + key.length);
            }
            return key;
        } catch (IllegalArgumentException e) {
            // The message of the decoder might quote the key; say only where it came from.
            throw new IllegalStateException(source + " is not valid base64");
        }
    }
}
