package io.lwm2m.provisioning.bench;

import io.lwm2m.provisioning.cli.device.DeviceInput;
import io.lwm2m.provisioning.cli.device.client.DeviceCredentials;
import io.lwm2m.provisioning.cli.device.client.DeviceIdentity;
import io.lwm2m.provisioning.cli.device.client.DeviceStack;
import io.lwm2m.provisioning.cli.device.client.LoadGenerator;
import io.lwm2m.provisioning.cli.device.client.ScriptedResponder;
import io.lwm2m.provisioning.cli.device.client.SessionResult;
import io.lwm2m.provisioning.crypto.EllipticCurveProvider;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.eclipse.californium.scandium.dtls.cipher.CipherSuite;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Load test of the bootstrap interface: complete DTLS-PSK bootstraps per second, their latency, and
 * the server's CPU time (its JVM and its PostgreSQL, from /proc) per bootstrap.
 *
 * <p>Starts {@code target/provisioning-server.jar} as a separate process on a fresh data dir,
 * registers one DM server and {@code --devices} PSK devices through the admin API, then keeps
 * {@code --concurrency} simulated devices bootstrapping: each session a new DTLS connector (full
 * handshake, one cipher suite), {@code POST /bs}, answers to Discover/Delete/Write/Finish, close.
 * After {@code --warmup}, a window of {@code --duration} (or {@code --count} sessions) is measured.
 * Exit code 0: no failed session; 1: failures; 2: the benchmark itself could not run.
 * See docs/benchmarks.md.
 */
public final class BootstrapBenchmark {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    /** Targets the server must eventually meet. */

    private final int devices;
    private final int concurrency;
    private final double startRate;
    private final int fleet;
    private final double durationSeconds;
    private final int count;
    private final double warmupSeconds;
    private final double maxDurationSeconds;
    private final Path jar;
    private final Mode mode;
    private final CipherSuite cipher;
    private final long sessionTimeoutMillis;
    private final int registerConcurrency;
    private final int clientThreads;
    private final double startupTimeoutSeconds;
    private final boolean keep;
    private final Path jfr;
    private final Integer pct;
    private final boolean logSql;
    private final List<String> serverJvm;
    private final List<String> serverArgs;
    private final PrintStream out = System.out;

    private final AtomicReference<BenchServer> server = new AtomicReference<>();
    private final AtomicBoolean stop = new AtomicBoolean();
    private final AtomicReference<LoadGenerator> load = new AtomicReference<>();

    private BootstrapBenchmark(Bench.Options o) {
        devices = o.integer("devices", 2000, "devices registered (and cycled through)");
        concurrency = o.integer("concurrency", 32, "simulated devices bootstrapping at the same time");
        startRate = o.decimal("rate", 0, "at most this many session starts per second (0: each simulated device starts its next"
                + " session right after the last; the rate is then what the server sustains)");
        fleet = o.integer("fleet", 0, "devices imported through the bulk import (generated PSKs) before the measured ones are"
                + " registered: the size of the fleet the database holds; PostgreSQL is then vacuumed, analyzed and checkpointed");
        durationSeconds = o.seconds("duration", "60s", "measured window");
        count = o.integer("count", 0, "instead of --duration: measure this many completed sessions (bounded by --max-duration)");
        maxDurationSeconds = o.seconds("max-duration", "30m", "with --count: longest measured window");
        warmupSeconds = o.seconds("warmup", "10s", "load before the measured window, not counted");
        jar = Path.of(o.string("jar", "target/provisioning-server.jar", "the server jar"));
        mode = Mode.valueOf(o.string("mode", "PSK", "the devices' bootstrap security mode: PSK, RPK, X509 or NOSEC (plain CoAP)")
                .toUpperCase(Locale.ROOT));
        String c = o.string("cipher", mode.cipher, "CCM_8 (TLS_PSK_WITH_AES_128_CCM_8), ECDHE_PSK "
                + "(TLS_ECDHE_PSK_WITH_AES_128_CCM_8_SHA256) or any Scandium cipher suite name; for RPK and X509 "
                + "TLS_ECDHE_ECDSA_WITH_AES_128_CCM_8; not used for NOSEC");
        cipher = switch (c.toUpperCase(Locale.ROOT)) {
            case "CCM_8", "CCM8", "PSK" -> CipherSuite.TLS_PSK_WITH_AES_128_CCM_8;
            case "ECDHE_PSK", "ECDHE-PSK", "ECDHE" -> CipherSuite.TLS_ECDHE_PSK_WITH_AES_128_CCM_8_SHA256;
            default -> {
                CipherSuite s = CipherSuite.getTypeByName(c);
                if (s == null) {
                    throw new IllegalArgumentException("unknown cipher suite '" + c + "'");
                }
                yield s;
            }
        };
        sessionTimeoutMillis = Math.round(o.seconds("session-timeout", "30s", "a session not finished by then is a failure") * 1000);
        registerConcurrency = o.integer("register-concurrency", 16, "parallel admin API calls while registering devices");
        clientThreads = o.integer("client-threads", 2, "threads of each of the load generator's shared DTLS and CoAP pools");
        startupTimeoutSeconds = o.seconds("startup-timeout", "180s", "wait for the server to start");
        keep = o.flag("keep", "keep the server's data dir and log (printed at the end)");
        String jfrPath = o.string("jfr", null, "record the server with JFR during the window into this file and print a profile");
        jfr = jfrPath == null ? null : Path.of(jfrPath).toAbsolutePath();
        logSql = o.flag("log-sql", "diagnostics: the server logs its SQL (org.hibernate.SQL at DEBUG); the statements of the"
                + " window are printed per session (slows the server: its CPU figures are then not representative)");
        String format = o.string("pct", null, "content format the devices ask for (pct=); none means TLV, as LwM2M 1.0");
        pct = format == null ? null : Integer.valueOf(format);
        serverJvm = o.words("server-jvm", "extra JVM options of the server");
        List<String> args = new ArrayList<>(o.words("server-args", "extra arguments of the server (e.g. --logging.level.root=WARN)"));
        if (logSql) {
            args.add("--logging.level.org.hibernate.SQL=DEBUG");
        }
        serverArgs = List.copyOf(args);
        if (o.has("help")) {
            o.flag("help", "this text");
            throw new UsageException(null, o.usage());
        }
        if (!o.unknown().isEmpty()) {
            throw new UsageException("unknown option(s) " + o.unknown(), o.usage());
        }
        if (devices < 1 || concurrency < 1 || devices < concurrency) {
            throw new UsageException("need --devices >= --concurrency >= 1 (a device bootstraps once at a time)", o.usage());
        }
        if (durationSeconds <= 0 && count <= 0) {
            throw new UsageException("need --duration > 0 or --count > 0", o.usage());
        }
    }

    public static void main(String[] args) {
        Bench.quietLogging();
        EllipticCurveProvider.install(); // the load generator's EC handshakes on the server's arithmetic, as `device load`
        int code;
        try {
            code = new BootstrapBenchmark(new Bench.Options(args)).run();
        } catch (UsageException e) {
            if (e.getMessage() != null) {
                System.err.println("error: " + e.getMessage());
            }
            System.err.println("usage: BootstrapBenchmark [options]\n" + e.usage);
            code = e.getMessage() == null ? 0 : 2;
        } catch (IllegalArgumentException e) {
            System.err.println("error: " + e.getMessage());
            code = 2;
        } catch (InterruptedException e) {
            System.err.println("benchmark interrupted");
            code = 2;
        } catch (Exception e) {
            if (e instanceof IllegalStateException && "interrupted".equals(e.getMessage())) {
                System.err.println("benchmark interrupted");
                System.exit(2);
            }
            System.err.println("benchmark aborted: " + e);
            e.printStackTrace();
            code = 2;
        }
        System.out.flush();
        System.exit(code);
    }

    private int run() throws Exception {
        if (!ProcCpu.available()) {
            throw new IllegalStateException("needs Linux /proc to measure CPU time");
        }
        if (!Files.isRegularFile(jar)) {
            throw new IllegalArgumentException("no server jar at " + jar.toAbsolutePath()
                    + " (build it with ./mvnw -DskipTests install, or give --jar)");
        }
        Thread hook = new Thread(() -> {
            stop.set(true);
            BenchServer s = server.get();
            if (s != null) {
                Bench.info("stopping the server (shutdown hook)");
                s.close();
            }
        }, "bench-cleanup");
        Runtime.getRuntime().addShutdownHook(hook);

        BenchServer s = BenchServer.create(keep);
        server.set(s);
        try {
            return measure(s);
        } finally {
            s.close();
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException e) {
                // already shutting down
            }
        }
    }

    private int measure(BenchServer s) throws Exception {
        long t = System.nanoTime();
        s.launch(jar, serverJvm, serverArgs, Duration.ofMillis(Math.round(startupTimeoutSeconds * 1000)));
        Bench.info(String.format("server pid %d up in %.1f s, coaps port %d, log %s", s.pid(), seconds(System.nanoTime() - t),
                s.coapsPort(), s.log()));

        List<DeviceIdentity> registered = register(s);

        // The load generator (the CLI's `device load`): a fresh DTLS connector per session (one cipher suite), or plain CoAP.
        boolean secure = mode != Mode.NOSEC;
        int port = secure ? s.coapsPort() : s.coapPort();
        DeviceStack.Threads threads = DeviceStack.Threads.create("bench", clientThreads);
        DeviceStack stack = new DeviceStack(new DeviceStack.Settings(new InetSocketAddress(InetAddress.getLoopbackAddress(), port),
                secure, secure ? List.of(cipher) : List.of(), sessionTimeoutMillis, pct, true, null, null), threads);
        LoadGenerator generator = new LoadGenerator(stack, new ScriptedResponder((secure ? "coaps" : "coap") + "://127.0.0.1:" + port),
                registered, concurrency, Bench::info).pacedAt(startRate);
        load.set(generator);
        Bench.info(String.format("load: %d concurrent %s devices%s, %s, warm-up %.0f s, then %s", concurrency, mode,
                startRate > 0 ? String.format(" paced at %.0f starts/s", startRate) : "", secure ? cipher : "plain CoAP",
                warmupSeconds, count > 0 ? count + " sessions" : String.format("%.0f s", durationSeconds)));
        long loadStart = System.nanoTime();
        generator.start();
        HeapTrend heapTrend = new HeapTrend(s.pid(), loadStart);

        // Warm-up.
        sleepWithProgress(loadStart, Math.round(warmupSeconds * 1000), "warm-up");
        if (stop.get()) {
            throw new IllegalStateException("interrupted");
        }

        // The measured window: server state before, CPU last; CPU first after, then the rest.
        Bench.Heap heapBefore = Bench.Heap.of(s.pid());
        Map<String, Long> pgBefore = s.postgresCounters();
        Map<String, Long> tablesBefore = s.tableCounters();
        if (jfr != null) {
            Files.deleteIfExists(jfr);
            String started = Bench.jdkTool(30, "jcmd", Long.toString(s.pid()), "JFR.start", "name=bench", "settings=profile",
                    "filename=" + jfr);
            Bench.info("JFR: " + (started == null ? "could not start" : started.trim().replace('\n', ' ')));
        }
        long logFrom = s.logSize();
        Map<Long, ProcCpu.ThreadTicks> threadsStart = ProcCpu.threadTicks(s.pid());
        ProcCpu.Sample cpuStart = ProcCpu.sample(s.pid(), s.dataDir().toString());
        long windowStart = cpuStart.wallNanos();
        generator.startWindow(windowStart);
        long maxWindowNanos = Math.round((count > 0 ? maxDurationSeconds : durationSeconds) * 1e9);
        long nextProgress = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!stop.get()) {
            long now = System.nanoTime();
            if (now - windowStart >= maxWindowNanos || (count > 0 && generator.measuredCompleted() >= count)) {
                break;
            }
            if (now >= nextProgress) {
                progress("measuring", loadStart);
                nextProgress += TimeUnit.SECONDS.toNanos(10);
            }
            Thread.sleep(count > 0 ? 20 : Math.min(200, Math.max(1, (maxWindowNanos - (now - windowStart)) / 1_000_000)));
        }
        ProcCpu.Sample cpuEnd = ProcCpu.sample(s.pid(), s.dataDir().toString());
        Map<String, Long> serverThreads = ProcCpu.threadDelta(threadsStart, ProcCpu.threadTicks(s.pid()));
        long windowEnd = cpuEnd.wallNanos();
        if (jfr != null) {
            String stopped = Bench.jdkTool(60, "jcmd", Long.toString(s.pid()), "JFR.stop", "name=bench");
            Bench.info("JFR: " + (stopped == null ? "could not stop" : stopped.trim().replace('\n', ' ')));
        }
        Map<String, Integer> statements = Map.of();
        if (logSql) {
            statements = s.loggedStatements(logFrom, s.logSize());
        }
        Bench.Heap heapAfter = Bench.Heap.of(s.pid());
        Map<String, Long> pgAfter = s.postgresCounters();
        Map<String, Long> tablesAfter = s.tableCounters();
        heapTrend.close();
        // What is live at the end of the window: the heap right after a full collection.
        Bench.jdkTool(60, "jcmd", Long.toString(s.pid()), "GC.run");
        Bench.Heap liveAfterWindow = Bench.Heap.of(s.pid());

        // Drain: no new sessions, let the running ones end (bounded by the session timeout).
        stop.set(true);
        boolean stuck = generator.stop(sessionTimeoutMillis + 15_000);
        threads.shutdown();
        // The server records a session's end right after the Finish answer; give it a moment.
        long running = -1;
        for (int i = 0; i < 50; i++) {
            running = s.runningSessions();
            if (running <= 0) {
                break;
            }
            Thread.sleep(200);
        }
        Map<String, Long> serverOutcomes = s.sessionOutcomes();
        Map<String, Integer> problems = s.problems();

        List<SessionResult> all = generator.results();
        int exit = report(all, windowStart, windowEnd, cpuStart, cpuEnd, heapBefore, heapAfter, pgBefore, pgAfter, tablesBefore,
                tablesAfter, serverOutcomes, running, problems, stuck, serverThreads);
        heapTrend.print(out, liveAfterWindow);
        if (!statements.isEmpty()) {
            long inWindow = all.stream().filter(r -> r.ok() && r.endNanos() >= windowStart && r.endNanos() <= windowEnd).count();
            int total = statements.values().stream().mapToInt(Integer::intValue).sum();
            out.println();
            out.printf("SQL statements Hibernate sent in the window: %d, %.2f per completed session%n", total,
                    total / (double) Math.max(1, inWindow));
            statements.entrySet().stream().sorted(Map.Entry.<String, Integer>comparingByValue().reversed()).limit(25)
                    .forEach(e -> out.printf("    %6.2f/session  %s%n", e.getValue() / (double) Math.max(1, inWindow), e.getKey()));
        }
        if (jfr != null && Files.isRegularFile(jfr)) {
            out.println();
            out.println("Server CPU profile (JFR, measured window; file " + jfr + "):");
            JfrSummary.print(jfr, out, 15);
        }
        return exit;
    }

    /** One DM server and the devices, through the admin API, in parallel. */
    private List<DeviceIdentity> register(BenchServer s) throws Exception {
        HttpResponse<String> dm = s.api("POST", "/api/v1/servers", "{\"name\":\"dm-1\",\"uri\":\"coaps://dm.example:5684\","
                + "\"shortServerId\":101,\"lifetime\":300,\"binding\":\"U\",\"securityMode\":\"PSK\"}", Duration.ofSeconds(30));
        if (dm.statusCode() != 201) {
            throw new IllegalStateException("creating the DM server: HTTP " + dm.statusCode() + " " + dm.body());
        }
        if (mode == Mode.NOSEC) {
            HttpResponse<String> profile = s.api("POST", "/api/v1/profiles", "{\"name\":\"bench-nosec\",\"definition\":"
                    + "{\"servers\":[{\"server\":\"dm-1\"}],\"allowNoSec\":true}}", Duration.ofSeconds(30));
            if (profile.statusCode() != 201) {
                throw new IllegalStateException("creating the NoSec profile: HTTP " + profile.statusCode() + " " + profile.body());
            }
        }
        if (fleet > 0) {
            importFleet(s);
        }
        long t = System.nanoTime();
        ExecutorService pool = Executors.newFixedThreadPool(registerConcurrency, Bench.daemon("bench-register"));
        try {
            List<Callable<DeviceIdentity>> calls = new ArrayList<>();
            for (int i = 0; i < devices; i++) {
                String endpoint = String.format("urn:dev:bench:%06d", i);
                calls.add(() -> registerOne(s, endpoint, mode));
            }
            List<Future<DeviceIdentity>> futures = pool.invokeAll(calls, 15, TimeUnit.MINUTES);
            List<DeviceIdentity> registered = new ArrayList<>(devices);
            for (Future<DeviceIdentity> f : futures) {
                if (f.isCancelled()) {
                    throw new IllegalStateException("registering the devices took longer than 15 minutes");
                }
                registered.add(f.get());
            }
            double secs = seconds(System.nanoTime() - t);
            Bench.info(String.format("registered %d devices in %.1f s (%.0f/s)", devices, secs, devices / secs));
            if (fleet > 0) {
                t = System.nanoTime();
                long held = FleetImport.settle(s);
                Bench.info(String.format("PostgreSQL vacuumed, analyzed and checkpointed in %.1f s; it holds %,d devices", seconds(
                        System.nanoTime() - t), held));
            }
            return registered;
        } finally {
            pool.shutdownNow();
        }
    }

    /** {@code --fleet} devices with dm-1 through the bulk import, as a manufacturing line registers them. */
    private void importFleet(BenchServer s) throws Exception {
        HttpResponse<String> profile = s.api("POST", "/api/v1/profiles", "{\"name\":\"bench-fleet\",\"definition\":"
                + "{\"servers\":[{\"server\":\"dm-1\"}]}}", Duration.ofSeconds(30));
        FleetImport.expect(profile, 201);
        Path csv = Files.createTempFile("bench-fleet-", ".csv");
        try {
            long t = System.nanoTime();
            FleetImport.writeCsv(csv, fleet, "urn:dev:fleet:", "bench-fleet");
            String id = FleetImport.upload(s, csv);
            long[] next = {System.nanoTime()};
            JsonNode job = FleetImport.awaitEnd(s, id, done -> {
                if (System.nanoTime() >= next[0]) {
                    next[0] += TimeUnit.SECONDS.toNanos(30);
                    Bench.info(String.format("importing the fleet: %,d of %,d rows", done, fleet));
                }
            });
            FleetImport.acknowledgeSecrets(s, id);
            if (!job.get("state").asString().equals("SUCCEEDED") || job.get("rows").get("created").asLong() != fleet) {
                throw new IllegalStateException("the fleet's import did not create every device: " + job);
            }
            double secs = seconds(System.nanoTime() - t);
            Bench.info(String.format("imported a fleet of %,d devices in %.1f s (%,.0f/s)", fleet, secs, fleet / secs));
        } finally {
            Files.deleteIfExists(csv);
        }
    }

    private static DeviceIdentity registerOne(BenchServer s, String endpoint, Mode mode) throws Exception {
        String body = "{\"endpoint\":\"" + endpoint + "\"," + (mode == Mode.NOSEC ? "\"profile\":\"bench-nosec\"" : "\"servers\":[\"dm-1\"]")
                + ",\"bootstrapCredential\":{\"mode\":\"" + (mode == Mode.NOSEC ? "PSK" : mode.name()) + "\"}}";
        String last = null;
        for (int attempt = 1; attempt <= 3; attempt++) {
            try {
                HttpResponse<String> r = s.api("POST", "/api/v1/devices", body, Duration.ofSeconds(30));
                if (r.statusCode() == 201) {
                    return new DeviceIdentity(endpoint, mode == Mode.NOSEC ? new DeviceCredentials.NoSec()
                            : DeviceInput.credentialsOf(JSON.readTree(r.body())));
                }
                last = "HTTP " + r.statusCode() + " " + r.body();
                if (r.statusCode() < 500 && r.statusCode() != 429) {
                    break;
                }
            } catch (IOException e) {
                last = e.toString();
            }
            Thread.sleep(200L * attempt);
        }
        throw new IllegalStateException("registering " + endpoint + " failed: " + last);
    }

    private int report(List<SessionResult> all, long t0, long t1, ProcCpu.Sample cpuStart, ProcCpu.Sample cpuEnd, Bench.Heap heapBefore,
            Bench.Heap heapAfter, Map<String, Long> pgBefore, Map<String, Long> pgAfter, Map<String, Long> tablesBefore,
            Map<String, Long> tablesAfter, Map<String, Long> serverOutcomes, long serverRunning, Map<String, Integer> problems,
            boolean stuck, Map<String, Long> serverThreads) {
        double window = seconds(t1 - t0);
        List<SessionResult> ok = new ArrayList<>();
        Map<String, Integer> failuresInWindow = new TreeMap<>();
        Map<String, Integer> failuresOutside = new TreeMap<>();
        long warmupOk = 0;
        long drainOk = 0;
        long serverRequests = 0;
        long retransmissions = 0;
        for (SessionResult r : all) {
            boolean inWindow = r.endNanos() >= t0 && r.endNanos() <= t1;
            if (r.ok()) {
                if (inWindow) {
                    ok.add(r);
                    serverRequests += r.serverRequests();
                } else if (r.endNanos() < t0) {
                    warmupOk++;
                } else {
                    drainOk++;
                }
            } else {
                (inWindow ? failuresInWindow : failuresOutside).merge(r.failure(), 1, Integer::sum);
            }
            if (inWindow) {
                retransmissions += r.dtlsRetransmissions();
            }
        }
        int failedInWindow = failuresInWindow.values().stream().mapToInt(Integer::intValue).sum();
        int failedOutside = failuresOutside.values().stream().mapToInt(Integer::intValue).sum();
        int n = ok.size();
        double rate = n / window;
        ProcCpu.Sample cpu = cpuEnd.minus(cpuStart);
        double javaS = ProcCpu.seconds(cpu.javaTicks());
        double pgS = ProcCpu.seconds(cpu.postgresTicks());
        double selfS = ProcCpu.seconds(cpu.selfTicks());
        double machineBusyS = ProcCpu.seconds(cpu.machineBusyTicks());
        double machineTotalS = ProcCpu.seconds(cpu.machineTotalTicks());
        double otherS = machineBusyS - javaS - pgS - selfS;
        double perJava = n == 0 ? Double.NaN : javaS * 1000 / n;
        double perPg = n == 0 ? Double.NaN : pgS * 1000 / n;

        out.println();
        out.println("=== LwM2M bootstrap benchmark ===");
        if (fleet > 0) {
            out.printf("fleet            : %,d more devices imported before the measured ones were registered%n", fleet);
        }
        out.printf("setup            : %d %s devices, %d concurrent%s, cipher %s, pct %s, warm-up %.0f s, window %.1f s, %d CPUs, CLK_TCK %d%n",
                devices, mode, concurrency, startRate > 0 ? String.format(", paced at %.0f starts/s", startRate) : "",
                mode == Mode.NOSEC ? "none (plain CoAP)" : cipher, pct == null ? "none (TLV)" : pct, warmupSeconds, window,
                Runtime.getRuntime().availableProcessors(), ProcCpu.HZ);
        out.printf("sessions         : %d completed in the window (%d in warm-up, %d while draining)%n", n, warmupOk, drainOk);
        out.printf("failures         : %d in the window, %d outside it%s%n", failedInWindow, failedOutside,
                stuck ? " (some device threads did not stop in time)" : "");
        failuresInWindow.forEach((reason, c) -> out.printf("    %6d  %s%n", c, reason));
        if (!failuresOutside.isEmpty()) {
            out.println("  outside the window (warm-up/drain):");
            failuresOutside.forEach((reason, c) -> out.printf("    %6d  %s%n", c, reason));
        }
        out.printf("throughput       : %.1f complete bootstraps/s%n", rate);
        if (n > 0) {
            long[] total = ok.stream().mapToLong(r -> r.endNanos() - r.startNanos()).sorted().toArray();
            long[] handshake = ok.stream().mapToLong(SessionResult::handshakeNanos).filter(v -> v >= 0).sorted().toArray();
            long[] answered = ok.stream().mapToLong(SessionResult::requestAnsweredNanos).filter(v -> v >= 0).sorted().toArray();
            out.printf("latency (ms)     : p50 %.1f  p90 %.1f  p99 %.1f  max %.1f   (handshake start -> Finish answer sent)%n",
                    ms(pct(total, 50)), ms(pct(total, 90)), ms(pct(total, 99)), ms(total[total.length - 1]));
            out.printf("  handshake      : p50 %.1f  p90 %.1f  p99 %.1f  max %.1f%n", ms(pct(handshake, 50)), ms(pct(handshake, 90)),
                    ms(pct(handshake, 99)), ms(handshake.length == 0 ? 0 : handshake[handshake.length - 1]));
            out.printf("  POST /bs 2.04  : p50 %.1f  p90 %.1f  p99 %.1f  max %.1f   (from handshake start)%n", ms(pct(answered, 50)),
                    ms(pct(answered, 90)), ms(pct(answered, 99)), ms(answered.length == 0 ? 0 : answered[answered.length - 1]));
            out.printf("  server requests: %.2f per session; DTLS retransmissions in the window: %d%n", serverRequests / (double) n,
                    retransmissions);
        }
        out.printf("server CPU       : java %.2f s + postgres %.2f s = %.2f s  (%.0f%% of one core; %d postgres processes)%n",
                javaS, pgS, javaS + pgS, 100 * (javaS + pgS) / window, cpuEnd.postgresProcesses());
        out.printf("server CPU/sess. : java %.3f ms + postgres %.3f ms = %.3f ms per complete bootstrap%n", perJava, perPg, perJava + perPg);
        out.printf("load generator   : %.2f s CPU (%.3f ms per session), this JVM%n", selfS, n == 0 ? Double.NaN : selfS * 1000 / n);
        out.printf("machine          : %.0f%% busy of %d CPUs; other processes %.2f s CPU%s%n", 100 * machineBusyS / Math.max(1e-9, machineTotalS),
                Runtime.getRuntime().availableProcessors(), otherS, otherS > 0.1 * window ? "  <- NOT idle: figures are disturbed" : "");
        out.printf("server JVM       : %d threads", cpuEnd.serverThreads());
        if (heapBefore != null && heapAfter != null) {
            out.printf("; heap used %.0f -> %.0f MB (committed %.0f -> %.0f MB); GC %d collections, %.2f s in the window",
                    heapBefore.usedMb(), heapAfter.usedMb(), heapBefore.committedMb(), heapAfter.committedMb(),
                    heapAfter.gcCount() - heapBefore.gcCount(), heapAfter.gcSeconds() - heapBefore.gcSeconds());
        }
        out.println();
        if (!serverThreads.isEmpty()) {
            long sum = serverThreads.values().stream().mapToLong(Long::longValue).sum();
            StringBuilder b = new StringBuilder();
            serverThreads.entrySet().stream().sorted(Map.Entry.<String, Long>comparingByValue().reversed()).limit(8)
                    .forEach(e -> b.append(String.format("%s %.0f%%  ", e.getKey(), 100.0 * e.getValue() / Math.max(1, sum))));
            out.println("  JVM CPU by thread: " + b.toString().trim());
            long jit = serverThreads.entrySet().stream().filter(e -> e.getKey().contains("CompilerThre"))
                    .mapToLong(Map.Entry::getValue).sum();
            if (n > 0 && sum > 0) {
                double jitS = javaS * jit / (double) sum;
                out.printf("  JIT compiler   : %.2f s of the java CPU; without it java %.3f ms + postgres %.3f ms = %.3f ms per bootstrap"
                        + " (the steady state a longer --warmup approaches)%n", jitS, (javaS - jitS) * 1000 / n, perPg,
                        (javaS - jitS) * 1000 / n + perPg);
            }
        }
        if (!pgBefore.isEmpty() && n > 0) {
            StringBuilder b = new StringBuilder();
            for (Map.Entry<String, Long> e : pgAfter.entrySet()) {
                Long before = pgBefore.get(e.getKey());
                if (before != null) {
                    b.append(String.format("%s %.2f  ", e.getKey(), (e.getValue() - before) / (double) n));
                }
            }
            out.println("postgres/session: " + b.toString().trim());
            Map<String, Double> perTable = new LinkedHashMap<>();
            tablesAfter.forEach((k, v) -> {
                Long before = tablesBefore.get(k);
                double d = (v - (before == null ? 0 : before)) / (double) n;
                if (d >= 0.005) {
                    perTable.put(k, d);
                }
            });
            StringBuilder tb = new StringBuilder();
            perTable.forEach((k, v) -> tb.append(String.format("%s %.2f  ", k, v)));
            out.println("  per table     : " + tb.toString().trim());
        }
        if (!serverOutcomes.isEmpty()) {
            long clientOk = all.stream().filter(SessionResult::ok).count();
            out.printf("server's record  : %s (whole run; the load generator counted %d completed, %d failed)%s%n",
                    serverOutcomes, clientOk, all.size() - clientOk, serverRunning > 0 ? ", " + serverRunning + " still RUNNING" : "");
        }
        if (!problems.isEmpty()) {
            out.println("server log WARN/ERROR lines:");
            problems.entrySet().stream().limit(10).forEach(e -> out.printf("    %6d  %s%n", e.getValue(), e.getKey()));
        }
        double cpuPerSession = perJava + perPg;
        boolean failures = failedInWindow + failedOutside > 0;
        double targetRate = mode == Mode.PSK && !cipher.isEccBased() ? 2000 : 0;
        double targetCpu = mode == Mode.RPK || mode == Mode.X509 ? 1.5 : cipher.isEccBased() && mode == Mode.PSK ? 0.9 : 0.45;
        out.printf("targets          : %s;  <= %.2f ms server CPU/bootstrap: %s;  no failures: %s%n",
                targetRate == 0 ? "no rate target for this mode" : String.format(">= %.0f bootstraps/s: %s", targetRate,
                        rate >= targetRate ? "MET" : "MISSED"),
                targetCpu, n > 0 && cpuPerSession <= targetCpu ? "MET" : "MISSED", failures ? "MISSED" : "MET");
        out.printf(Locale.ROOT, "RESULT mode=%s cipher=%s concurrency=%d devices=%d window_s=%.1f sessions=%d failures=%d sessions_per_s=%.1f"
                        + " p50_ms=%.1f p99_ms=%.1f java_cpu_ms=%.3f pg_cpu_ms=%.3f server_cpu_ms=%.3f loadgen_cpu_ms=%.3f%n",
                mode, mode == Mode.NOSEC ? "none" : cipher, concurrency, devices, window, n, failedInWindow + failedOutside, rate,
                n == 0 ? Double.NaN : ms(pct(ok.stream().mapToLong(r -> r.endNanos() - r.startNanos()).sorted().toArray(), 50)),
                n == 0 ? Double.NaN : ms(pct(ok.stream().mapToLong(r -> r.endNanos() - r.startNanos()).sorted().toArray(), 99)),
                perJava, perPg, cpuPerSession, n == 0 ? Double.NaN : selfS * 1000 / n);
        if (keep) {
            out.println("server files     : " + serverDir());
        }
        return failures || n == 0 ? 1 : 0;
    }

    private String serverDir() {
        BenchServer s = server.get();
        return s == null ? "?" : s.log().getParent().toString();
    }

    /**
     * The server's used heap sampled every second from the start of the load (one long-running
     * jstat), as the lowest and highest sample of each minute. The lowest is what survived the
     * last young collection: a heap that keeps something per session climbs minute by minute.
     */
    private static final class HeapTrend implements AutoCloseable {
        private final Bench.HeapSampler sampler;
        private final Thread collector;
        private final java.util.SortedMap<Long, double[]> minutes = new java.util.concurrent.ConcurrentSkipListMap<>();

        HeapTrend(long pid, long loadStart) throws java.io.IOException {
            sampler = new Bench.HeapSampler(pid, 1000);
            collector = new Thread(() -> {
                try {
                    while (!Thread.currentThread().isInterrupted()) {
                        Thread.sleep(1000);
                        Bench.Heap h = sampler.latest();
                        if (h != null) {
                            long minute = TimeUnit.NANOSECONDS.toMinutes(System.nanoTime() - loadStart);
                            minutes.merge(minute, new double[] {h.usedMb(), h.usedMb()},
                                    (a, b) -> new double[] {Math.min(a[0], b[0]), Math.max(a[1], b[1])});
                        }
                    }
                } catch (InterruptedException e) {
                    // closed
                }
            }, "heap-trend");
            collector.setDaemon(true);
            collector.start();
        }

        void print(PrintStream out, Bench.Heap liveAfterWindow) {
            StringBuilder b = new StringBuilder("server heap used per minute of load (lowest-highest sample, MB):");
            minutes.forEach((minute, range) -> b.append(String.format(" [%d] %.0f-%.0f", minute + 1, range[0], range[1])));
            out.println(b);
            out.printf("server heap      : %.0f MB highest sample (committed at most %.0f MB); %s%n", sampler.maxUsedMb(),
                    sampler.maxCommittedMb(), liveAfterWindow == null ? "no sample after a full GC"
                            : String.format("%.0f MB used right after a full GC at the end of the window", liveAfterWindow.usedMb()));
        }

        @Override
        public void close() {
            collector.interrupt();
            sampler.close();
        }
    }

    private void sleepWithProgress(long loadStart, long millis, String phase) throws InterruptedException {
        long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
        long next = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (!stop.get()) {
            long now = System.nanoTime();
            if (now >= end) {
                return;
            }
            if (now >= next) {
                progress(phase, loadStart);
                next += TimeUnit.SECONDS.toNanos(5);
            }
            Thread.sleep(Math.min(200, Math.max(1, (end - now) / 1_000_000)));
        }
    }

    private void progress(String phase, long loadStart) {
        double t = seconds(System.nanoTime() - loadStart);
        LoadGenerator generator = load.get();
        Bench.info(String.format("%s: t=%.0f s, %d completed (%.0f/s overall), %d failed, %d in flight", phase, t, generator.completed(),
                generator.completed() / t, generator.failed(), generator.inFlight()));
    }

    private static long pct(long[] sorted, double p) {
        if (sorted.length == 0) {
            return 0;
        }
        int i = (int) Math.ceil(p / 100.0 * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, i))];
    }

    private static double ms(long nanos) {
        return nanos / 1e6;
    }

    private static double seconds(long nanos) {
        return nanos / 1e9;
    }

    private static final class UsageException extends RuntimeException {
        private final String usage;

        UsageException(String message, String usage) {
            super(message);
            this.usage = usage;
        }
    }

    /** The devices' bootstrap security mode, and the cipher suite its load generator offers unless --cipher says otherwise. */
    private enum Mode {
        PSK("CCM_8"), RPK("TLS_ECDHE_ECDSA_WITH_AES_128_CCM_8"), X509("TLS_ECDHE_ECDSA_WITH_AES_128_CCM_8"), NOSEC("CCM_8");

        private final String cipher;

        Mode(String cipher) {
            this.cipher = cipher;
        }
    }
}
