package io.lwm2m.provisioning.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Data directories of the servers the tests start, about 600 MB each with the embedded PostgreSQL:
 * deleted when the test JVM exits, after the servers still open have been closed. Many tests keep
 * their server for the whole JVM (a shared one, or one per class without a stop), so without this
 * every test run left gigabytes in the temporary directory, and a developer's disk filled up.
 * A run that was killed cannot clean up: its directories are swept by the next run, once they are
 * old and no PostgreSQL runs in them.
 */
public final class TestDataDirectories {

    /** Older than this and no PostgreSQL running in it: a killed run's leftover. */
    private static final Duration STALE = Duration.ofHours(6);

    private static final List<Path> created = new ArrayList<>();
    private static final List<AutoCloseable> open = new ArrayList<>();

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(TestDataDirectories::cleanUp, "test-data-directories"));
    }

    private TestDataDirectories() {
    }

    /** A new directory under the temporary directory, deleted at exit; stale ones of the same prefix go first. */
    public static Path create(String prefix) {
        sweepStale(prefix);
        try {
            Path dir = Files.createTempDirectory(prefix);
            synchronized (created) {
                created.add(dir);
            }
            return dir;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Closed at exit before the directories are deleted (closing twice must be harmless). */
    public static void closeAtExit(AutoCloseable server) {
        synchronized (created) {
            open.add(server);
        }
    }

    /** Deletes a directory tree; best effort. */
    public static void delete(Path dir) {
        if (dir == null || !Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException | UncheckedIOException e) {
            // a leftover, swept by a later run
        }
    }

    private static void cleanUp() {
        List<AutoCloseable> servers;
        List<Path> dirs;
        synchronized (created) {
            servers = List.copyOf(open);
            dirs = List.copyOf(created);
        }
        for (AutoCloseable server : servers) {
            try {
                server.close(); // stops its embedded PostgreSQL, which must not run in a directory being deleted
            } catch (Exception | LinkageError e) {
                // closing at exit is best effort
            }
        }
        dirs.forEach(TestDataDirectories::delete);
    }

    private static void sweepStale(String prefix) {
        Path tmp = Path.of(System.getProperty("java.io.tmpdir"));
        Instant before = Instant.now().minus(STALE);
        try (Stream<Path> entries = Files.list(tmp)) {
            entries.filter(p -> p.getFileName().toString().startsWith(prefix) && Files.isDirectory(p))
                    .filter(p -> modifiedBefore(p, before) && !postgresRunsIn(p))
                    .forEach(TestDataDirectories::delete);
        } catch (IOException | UncheckedIOException e) {
            // nothing swept this time
        }
    }

    private static boolean modifiedBefore(Path dir, Instant instant) {
        try {
            FileTime modified = Files.getLastModifiedTime(dir);
            return modified.toInstant().isBefore(instant);
        } catch (IOException e) {
            return false;
        }
    }

    /** Whether the directory's PostgreSQL (its postmaster.pid) names a process that is alive. */
    private static boolean postgresRunsIn(Path dir) {
        try (Stream<Path> files = Files.find(dir, 3, (p, a) -> p.getFileName().toString().equals("postmaster.pid"))) {
            for (Path pidFile : files.toList()) {
                Optional<Long> pid = Files.readAllLines(pidFile).stream().findFirst().map(String::trim).map(Long::valueOf);
                if (pid.flatMap(ProcessHandle::of).map(ProcessHandle::isAlive).orElse(false)) {
                    return true;
                }
            }
            return false;
        } catch (IOException | RuntimeException e) {
            return true; // when in doubt, keep it
        }
    }
}
