package io.lwm2m.provisioning.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The server under test as a separate OS process ({@code java -jar provisioning-server.jar}) on a
 * fresh data dir, with loopback-only, ephemeral ports; its admin API; a JDBC connection to its
 * embedded PostgreSQL for statistics; and its removal (JVM, PostgreSQL, files).
 */
final class BenchServer implements AutoCloseable {

    private static final Pattern TOMCAT = Pattern.compile("Tomcat started on ports? (\\d+) \\(http\\)");
    private static final Pattern COAP = Pattern.compile(
            "Bootstrap server listening on coap://127\\.0\\.0\\.1:(\\d+) and coaps://127\\.0\\.0\\.1:(\\d+)");
    private static final Pattern POSTGRES = Pattern.compile("Embedded PostgreSQL running on 127\\.0\\.0\\.1:(\\d+)");

    private final Path workDir;
    private final Path dataDir;
    private final Path log;
    private final boolean keep;
    private final AtomicBoolean closed = new AtomicBoolean();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private volatile Process process;
    private int httpPort;
    private int coapPort;
    private int coapsPort;
    private int postgresPort;
    private String adminKey;
    private Connection jdbc;

    private BenchServer(Path workDir, boolean keep) {
        this.workDir = workDir;
        this.dataDir = workDir.resolve("data");
        this.log = workDir.resolve("server.log");
        this.keep = keep;
    }

    /** A server not started yet, on a new temporary directory; {@link #close()} removes it again. */
    static BenchServer create(boolean keep) throws IOException {
        return new BenchServer(Files.createTempDirectory("lwm2m-bench-"), keep);
    }

    /** Starts the jar and waits (bounded) until its HTTP and CoAP ports and its admin key are known. */
    void launch(Path jar, List<String> jvmOptions, List<String> extraArgs, Duration timeout)
            throws IOException, InterruptedException {
        if (closed.get()) {
            throw new IllegalStateException("closed");
        }
        Files.createDirectories(dataDir);
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(jvmOptions);
        command.add("-jar");
        command.add(jar.toAbsolutePath().toString());
        command.add("--server.port=0");
        command.add("--server.address=127.0.0.1");
        command.add("--management.server.port=0");
        command.add("--provisioning.coap.port=0");
        command.add("--provisioning.coaps.port=0");
        command.add("--provisioning.est.https.port=0");
        command.add("--provisioning.coap.address=127.0.0.1");
        command.add("--provisioning.data-dir=" + dataDir);
        command.addAll(extraArgs);
        Bench.info("starting server: " + String.join(" ", command));
        process = new ProcessBuilder(command).directory(workDir.toFile()).redirectErrorStream(true)
                .redirectOutput(log.toFile()).start();
        if (closed.get()) {
            process.destroyForcibly(); // closed (Ctrl-C) while it was being started
            throw new IllegalStateException("closed");
        }

        long deadline = System.nanoTime() + timeout.toNanos();
        Matcher tomcat = null;
        Matcher coap = null;
        Matcher postgres = null;
        while (tomcat == null || coap == null) {
            if (closed.get()) {
                throw new IllegalStateException("closed");
            }
            if (!process.isAlive()) {
                throw new IllegalStateException("the server exited with " + process.exitValue() + " during startup:\n" + tail(40));
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("the server did not report its ports within " + timeout.toSeconds() + " s:\n" + tail(40));
            }
            Thread.sleep(200);
            String text = Files.readString(log, StandardCharsets.UTF_8);
            tomcat = find(TOMCAT, text);
            coap = find(COAP, text);
            postgres = find(POSTGRES, text);
        }
        httpPort = Integer.parseInt(tomcat.group(1));
        coapPort = Integer.parseInt(coap.group(1));
        coapsPort = Integer.parseInt(coap.group(2));
        postgresPort = postgres == null ? -1 : Integer.parseInt(postgres.group(1));
        Path keyFile = dataDir.resolve("initial-admin-key");
        while (!Files.exists(keyFile) || Files.readString(keyFile, StandardCharsets.US_ASCII).isBlank()) {
            if (System.nanoTime() > deadline || !process.isAlive()) {
                throw new IllegalStateException("no admin key in " + keyFile + ":\n" + tail(40));
            }
            Thread.sleep(100);
        }
        adminKey = Files.readString(keyFile, StandardCharsets.US_ASCII).trim();
    }

    private static Matcher find(Pattern pattern, String text) {
        Matcher m = pattern.matcher(text);
        return m.find() ? m : null;
    }

    long pid() {
        return process.pid();
    }

    int coapPort() {
        return coapPort;
    }

    int coapsPort() {
        return coapsPort;
    }

    Path dataDir() {
        return dataDir;
    }

    Path log() {
        return log;
    }

    /** An admin API call; bounded by {@code timeout}. */
    HttpResponse<String> api(String method, String path, String json, Duration timeout) throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort + path))
                .timeout(timeout)
                .header("Authorization", "Bearer " + adminKey)
                .header("Content-Type", "application/json")
                .method(method, json == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(json))
                .build();
        return http.send(request, HttpResponse.BodyHandlers.ofString());
    }

    /** A request to the admin API with the admin key, for bodies other than JSON. */
    HttpRequest.Builder request(String path) {
        return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort + path))
                .header("Authorization", "Bearer " + adminKey);
    }

    HttpClient http() {
        return http;
    }

    /** The last lines of the server's log. */
    String tail(int lines) {
        try {
            List<String> all = Files.readAllLines(log, StandardCharsets.UTF_8);
            return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
        } catch (IOException | UncheckedIOException e) {
            return "(no log: " + e + ")";
        }
    }

    /** WARN and ERROR lines of the server's log, by their logger and first words, with counts. */
    Map<String, Integer> problems() {
        Map<String, Integer> counts = new LinkedHashMap<>();
        try (Stream<String> lines = Files.lines(log, StandardCharsets.UTF_8)) {
            lines.filter(l -> l.contains(" WARN ") || l.contains("ERROR "))
                    .map(l -> {
                        int colon = l.indexOf(" : ");
                        String msg = colon < 0 ? l : l.substring(colon + 3);
                        String level = l.contains(" WARN ") ? "WARN " : "ERROR";
                        String logger = colon < 0 ? "" : l.substring(l.lastIndexOf(' ', colon - 1) + 1, colon).trim();
                        String key = level + " " + logger + ": " + msg.replaceAll("[0-9a-f]{8}-[0-9a-f-]{27}", "<uuid>")
                                .replaceAll("\\d+", "N");
                        return key.length() > 160 ? key.substring(0, 160) + "..." : key;
                    })
                    .forEach(k -> counts.merge(k, 1, Integer::sum));
        } catch (IOException | UncheckedIOException e) {
            counts.put("(log unreadable: " + e + ")", 1);
        }
        return counts;
    }

    /** A superuser connection to the embedded PostgreSQL, for statistics; empty if not reachable. */
    synchronized Optional<Connection> jdbc() {
        if (jdbc != null) {
            return Optional.of(jdbc);
        }
        if (postgresPort < 0) {
            return Optional.empty();
        }
        try {
            String password = Files.readString(dataDir.resolve("postgres.password"), StandardCharsets.US_ASCII).trim();
            jdbc = DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + postgresPort + "/postgres", "postgres", password);
            return Optional.of(jdbc);
        } catch (IOException | SQLException e) {
            Bench.info("no JDBC connection to the embedded PostgreSQL (" + e.getMessage() + "); PostgreSQL statistics skipped");
            postgresPort = -1;
            return Optional.empty();
        }
    }

    /** Counters of pg_stat_database (this database) and pg_stat_wal; missing columns are skipped. */
    Map<String, Long> postgresCounters() {
        Map<String, Long> counters = new LinkedHashMap<>();
        jdbc().ifPresent(c -> {
            query(c, "SELECT xact_commit, xact_rollback, tup_returned, tup_fetched, tup_inserted, tup_updated, tup_deleted,"
                    + " blks_read, blks_hit FROM pg_stat_database WHERE datname = current_database()", counters, "");
            query(c, "SELECT wal_records, wal_fpi, wal_bytes FROM pg_stat_wal", counters, "");
            query(c, "SELECT sum(seq_scan) AS seq_scan, sum(idx_scan) AS idx_scan FROM pg_stat_user_tables", counters, "tables.");
        });
        return counters;
    }

    /** Per-table row writes and scans from pg_stat_user_tables, as "table.counter". */
    Map<String, Long> tableCounters() {
        Map<String, Long> counters = new LinkedHashMap<>();
        jdbc().ifPresent(c -> {
            try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(
                    "SELECT relname, n_tup_ins, n_tup_upd, n_tup_del, seq_scan, coalesce(idx_scan, 0) FROM pg_stat_user_tables")) {
                while (rs.next()) {
                    String t = rs.getString(1);
                    counters.put(t + ".ins", rs.getLong(2));
                    counters.put(t + ".upd", rs.getLong(3));
                    counters.put(t + ".del", rs.getLong(4));
                    counters.put(t + ".seq_scan", rs.getLong(5));
                    counters.put(t + ".idx_scan", rs.getLong(6));
                }
            } catch (SQLException e) {
                // statistics only
            }
        });
        return counters;
    }

    /** The server's own record: bootstrap sessions by outcome, and the most common failure reasons. */
    Map<String, Long> sessionOutcomes() {
        Map<String, Long> outcomes = new LinkedHashMap<>();
        jdbc().ifPresent(c -> {
            try (Statement s = c.createStatement()) {
                awaitHistory(s, outcomes);
                try (ResultSet rs = s.executeQuery("SELECT outcome, count(*) FROM bootstrap_sessions GROUP BY outcome ORDER BY 1")) {
                    while (rs.next()) {
                        outcomes.put(rs.getString(1), rs.getLong(2));
                    }
                }
                try (ResultSet rs = s.executeQuery("SELECT left(reason, 120), count(*) FROM bootstrap_sessions"
                        + " WHERE outcome = 'FAILED' GROUP BY 1 ORDER BY 2 DESC LIMIT 8")) {
                    while (rs.next()) {
                        outcomes.put("FAILED: " + rs.getString(1), rs.getLong(2));
                    }
                }
            } catch (SQLException e) {
                outcomes.put("(query failed: " + e.getMessage() + ")", -1L);
            }
        });
        return outcomes;
    }

    /**
     * The server writes session history by group commit, a little behind the sessions: waits (up
     * to 60 s) until no session is RUNNING and the row count holds still, and notes how long it took.
     */
    private static void awaitHistory(Statement s, Map<String, Long> outcomes) throws SQLException {
        long start = System.nanoTime();
        long previous = -1;
        while (System.nanoTime() - start < 60_000_000_000L) {
            long total;
            long running;
            try (ResultSet rs = s.executeQuery("SELECT count(*), count(*) FILTER (WHERE outcome = 'RUNNING') FROM bootstrap_sessions")) {
                rs.next();
                total = rs.getLong(1);
                running = rs.getLong(2);
            }
            if (total == previous && running == 0) {
                break;
            }
            previous = total;
            try {
                Thread.sleep(500);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        outcomes.put("(history settled after ms)", (System.nanoTime() - start) / 1_000_000);
    }

    long logSize() {
        try {
            return Files.size(log);
        } catch (IOException e) {
            return 0;
        }
    }

    /**
     * The SQL statements Hibernate logged (logger org.hibernate.SQL at DEBUG) between two offsets of the
     * server's log, with counts.
     */
    Map<String, Integer> loggedStatements(long from, long to) {
        Map<String, Integer> counts = new HashMap<>();
        Pattern statement = Pattern.compile("org\\.hibernate\\.SQL\\s+:\\s+(.*)$");
        try (var channel = Files.newByteChannel(log)) {
            channel.position(from);
            java.nio.ByteBuffer buffer = java.nio.ByteBuffer.allocate((int) Math.min(Integer.MAX_VALUE - 16, Math.max(0, to - from)));
            while (buffer.hasRemaining() && channel.read(buffer) > 0) {
                // fill
            }
            for (String line : new String(buffer.array(), 0, buffer.position(), StandardCharsets.UTF_8).split("\n")) {
                Matcher m = statement.matcher(line);
                if (m.find()) {
                    String sql = m.group(1).replaceAll("\\s+", " ").trim();
                    counts.merge(sql.length() > 150 ? sql.substring(0, 150) + "..." : sql, 1, Integer::sum);
                }
            }
        } catch (IOException | RuntimeException e) {
            Bench.info("could not read statements from the log: " + e);
        }
        return counts;
    }

    long runningSessions() {
        return jdbc().map(c -> {
            try (Statement s = c.createStatement();
                    ResultSet rs = s.executeQuery("SELECT count(*) FROM bootstrap_sessions WHERE outcome = 'RUNNING'")) {
                rs.next();
                return rs.getLong(1);
            } catch (SQLException e) {
                return -1L;
            }
        }).orElse(-1L);
    }

    private static void query(Connection c, String sql, Map<String, Long> into, String prefix) {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            if (rs.next()) {
                for (int i = 1; i <= rs.getMetaData().getColumnCount(); i++) {
                    into.put(prefix + rs.getMetaData().getColumnLabel(i), rs.getLong(i));
                }
            }
        } catch (SQLException e) {
            // a column this PostgreSQL version lacks: statistics only
        }
    }

    /** Stops the server (SIGTERM, then SIGKILL), any PostgreSQL left behind, and deletes the files. Idempotent. */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        closeNow();
    }

    private void closeNow() {
        if (jdbc != null) {
            try {
                jdbc.close();
            } catch (SQLException e) {
                // closing anyway
            }
        }
        Process process = this.process;
        if (process != null && process.isAlive()) {
            process.destroy();
            try {
                if (!process.waitFor(45, TimeUnit.SECONDS)) {
                    Bench.info("server did not stop within 45 s; killing it");
                    process.destroyForcibly();
                    process.waitFor(10, TimeUnit.SECONDS);
                }
            } catch (InterruptedException e) {
                process.destroyForcibly();
                Thread.currentThread().interrupt();
            }
        }
        // The postmaster runs detached from the JVM; a killed JVM leaves it behind.
        String marker = dataDir.toString();
        List<ProcessHandle> leftovers = ProcessHandle.allProcesses()
                .filter(p -> p.info().commandLine().map(cmd -> cmd.contains("postgres") && cmd.contains(marker)).orElse(false))
                .toList();
        for (ProcessHandle p : leftovers) {
            Bench.info("stopping PostgreSQL left behind: pid " + p.pid());
            p.destroy();
        }
        for (ProcessHandle p : leftovers) {
            try {
                p.onExit().get(15, TimeUnit.SECONDS);
            } catch (Exception e) {
                p.destroyForcibly();
            }
        }
        if (keep) {
            Bench.info("kept the server's files in " + workDir);
        } else {
            deleteTree(workDir);
        }
    }

    private static void deleteTree(Path root) {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(root)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException e) {
                    // best effort
                }
            });
        } catch (IOException | UncheckedIOException e) {
            Bench.info("could not delete " + root + ": " + e.getMessage());
        }
    }
}
