package io.lwm2m.provisioning.persistence;

import java.nio.file.Path;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * {@code provisioning.data-dir}: where a single-node installation keeps what must survive a restart
 * (the embedded PostgreSQL, the generated key-encryption key, the first admin key).
 *
 * @param dataDir the directory, relative to the working directory unless absolute
 */
@ConfigurationProperties("provisioning")
public record DataDirectory(@DefaultValue(DataDirectory.DEFAULT) Path dataDir) {

    /** The default, also for the check that runs before the application context exists. */
    public static final String DEFAULT = "./data";
    public static final String PROPERTY = "provisioning.data-dir";

    /** {@code name} inside the data directory. */
    public Path resolve(String name) {
        return dataDir.resolve(name);
    }
}
