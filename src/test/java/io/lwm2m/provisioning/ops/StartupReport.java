package io.lwm2m.provisioning.ops;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;

/**
 * Printed by every {@code mvn verify} (the src module's {@code verify} phase, after the integration
 * tests): the jar's size, and how long {@code java -jar} takes until it is ready (readiness UP: database
 * migrated, CA loaded, CoAP endpoints bound) on an empty data dir (initdb, migrations, KEK, CA) and again
 * on the same data dir (warm). It also proves that the jar's embedded PostgreSQL starts on this platform.
 * The figures are this machine's at that moment, not a benchmark.
 */
public final class StartupReport {

    private static final Duration TIMEOUT = Duration.ofMinutes(3);

    private StartupReport() {
    }

    public static void main(String[] args) throws Exception {
        Path jar = Path.of(args[0]);
        Path work = Files.createTempDirectory("startup-report-");
        try {
            List<String> dataDir = List.of("--provisioning.data-dir=" + work.resolve("data"));
            Duration first = timeToReady(jar, work, dataDir);
            Duration warm = timeToReady(jar, work, dataDir);
            System.out.printf(Locale.ROOT, "[startup-report] %s: %.1f MB%n", jar.getFileName(), Files.size(jar) / 1048576.0);
            System.out.printf(Locale.ROOT, "[startup-report] first start, empty data dir (initdb, migrations, KEK, CA): ready after %.1f s%n",
                    first.toMillis() / 1000.0);
            System.out.printf(Locale.ROOT, "[startup-report] warm start, same data dir: ready after %.1f s%n", warm.toMillis() / 1000.0);
        } finally {
            OpsServer.delete(work);
        }
    }

    private static Duration timeToReady(Path jar, Path work, List<String> arguments) throws Exception {
        try (JarProcess server = JarProcess.start(jar, work, arguments, line -> { })) {
            Duration ready = server.awaitReady(TIMEOUT);
            int exit = server.stop(Duration.ofSeconds(60));
            if (exit != 143) {
                throw new IllegalStateException("the server exited with " + exit + " after SIGTERM:\n" + String.join("\n", server.lines()));
            }
            return ready;
        }
    }
}
