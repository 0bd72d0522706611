package io.lwm2m.provisioning.app.startup;

import io.lwm2m.provisioning.persistence.DataDirectory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.core.env.Environment;

/**
 * Logs where the data directory is, and refuses the one start that is almost always a mistake
 * (decision 042): with the default {@code ./data}, which is relative to the working directory, a start
 * that would create a new installation (KEK, embedded database, CA, admin key) while an installation
 * exists next to the jar ({@code <jar dir>/data} or {@code <jar dir>/../data}), that is, a start from
 * another directory. An explicit {@code provisioning.data-dir} always goes ahead.
 */
final class DataDirectoryCheck {

    static final String PROPERTY = DataDirectory.PROPERTY;
    static final String DEFAULT = DataDirectory.DEFAULT;

    private static final Logger log = LoggerFactory.getLogger(DataDirectoryCheck.class);

    private DataDirectoryCheck() {
    }

    static void check(Environment environment, Path jarDirectory) {
        boolean explicit = environment.containsProperty(PROPERTY);
        Path dataDir = Path.of(environment.getProperty(PROPERTY, DEFAULT)).toAbsolutePath().normalize();
        boolean installed = holdsInstallation(dataDir);
        if (!installed && !explicit && jarDirectory != null) {
            for (Path candidate : List.of(jarDirectory.resolve("data"), jarDirectory.resolve("../data"))) {
                Path other = candidate.toAbsolutePath().normalize();
                if (!other.equals(dataDir) && holdsInstallation(other)) {
                    throw new StartupRefusedException("The data directory " + dataDir + " (the default " + DEFAULT
                            + ", relative to the working directory) holds no installation, but " + other
                            + " next to the jar does: this start would create a new KEK, CA and admin key.",
                            "Start from " + other.getParent() + ", or set " + PROPERTY + "=" + other
                                    + " to use that installation; to create a new installation in " + dataDir
                                    + " on purpose, set " + PROPERTY + " to it explicitly.");
                }
            }
        }
        log.info("Data directory: {}{}", dataDir, installed ? "" : " (new: created by this start)");
    }

    /** Something a start of this server leaves in its data directory. */
    static boolean holdsInstallation(Path dir) {
        return Files.exists(dir.resolve("kek")) || Files.exists(dir.resolve("initial-admin-key"))
                || Files.exists(dir.resolve("postgres").resolve("PG_VERSION"));
    }
}
