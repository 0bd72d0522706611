package io.lwm2m.provisioning.bench;

import io.lwm2m.provisioning.ca.KeyAlgorithm;
import io.lwm2m.provisioning.ca.Pem;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.atomic.AtomicBoolean;
import javax.security.auth.x500.X500Principal;
import org.eclipse.californium.core.coap.CoAP.ResponseCode;
import org.eclipse.californium.core.coap.Request;
import org.eclipse.californium.core.coap.Response;
import org.eclipse.californium.core.config.CoapConfig;
import org.eclipse.californium.core.network.CoapEndpoint;
import org.eclipse.californium.elements.config.Configuration;
import org.eclipse.californium.elements.config.UdpConfig;
import org.eclipse.californium.scandium.DTLSConnector;
import org.eclipse.californium.scandium.config.DtlsConfig;
import org.eclipse.californium.scandium.config.DtlsConnectorConfig;
import org.eclipse.californium.scandium.dtls.cipher.CipherSuite;
import org.eclipse.californium.scandium.dtls.pskstore.AdvancedSinglePskStore;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.pkcs.jcajce.JcaPKCS10CertificationRequestBuilder;
import tools.jackson.databind.json.JsonMapper;

/**
 * Load test of EST-coaps enrollment: {@code POST /.well-known/est/sen} (PKCS#10 P-256 CSR, answer
 * 287) per second, p50/p99 latency, and the server's CPU (its JVM and PostgreSQL, from /proc) per
 * enrollment. {@code --handshake false} (default): each simulated device keeps one DTLS-PSK session
 * and enrolls over it again and again; {@code --handshake true}: a fresh DTLS handshake for every
 * enrollment. The devices' profile allows EST over the PSK bootstrap credential, and its DM server
 * is in mode 4, so every certificate is recorded on the device's mode-4 account (the first
 * enrollment fills it, each later one is a rotation). Starts {@code target/provisioning-server.jar}
 * as its own process. Exit 0: no failure. See docs/benchmarks.md.
 */
public final class EstBenchmark {

    static {
        CoapConfig.register();
        UdpConfig.register();
        DtlsConfig.register();
    }

    private static final JsonMapper JSON = JsonMapper.builder().build();
    /** Issue 20's targets for {@code sen} over established sessions. */
    private static final double TARGET_PER_SECOND = 2000;
    private static final double TARGET_CPU_MS = 0.8;

    private final int concurrency;
    private final double durationSeconds;
    private final double warmupSeconds;
    private final boolean handshake;
    private final String dmMode;
    private final Path jar;
    private final List<String> serverJvm;
    private final List<String> serverArgs;
    private final Path jfr;
    private final AtomicBoolean stop = new AtomicBoolean();
    private volatile long windowStart = Long.MAX_VALUE;
    private volatile long windowEnd = Long.MAX_VALUE;

    private EstBenchmark(Bench.Options o) {
        concurrency = o.integer("concurrency", 32, "simulated devices enrolling at the same time (one device each)");
        durationSeconds = o.seconds("duration", "30s", "measured window");
        warmupSeconds = o.seconds("warmup", "10s", "load before the measured window, not counted");
        handshake = Boolean.parseBoolean(o.string("handshake", "false", "true: a new DTLS handshake for every enrollment"));
        dmMode = o.string("dm-mode", "EST", "EST: the devices' DM server is in mode 4, so each certificate is recorded on"
                + " the device's account (every enrollment after the first is a rotation); PSK: a PSK DM server, the"
                + " certificate is only in the CA's records (a gateway's certificate)");
        jar = Path.of(o.string("jar", "target/provisioning-server.jar", "the server jar"));
        String jfrPath = o.string("jfr", null, "record the server with JFR during the window into this file and print a profile");
        jfr = jfrPath == null ? null : Path.of(jfrPath).toAbsolutePath();
        serverJvm = o.words("server-jvm", "extra JVM options of the server");
        serverArgs = o.words("server-args", "extra server arguments");
        if (!o.unknown().isEmpty()) {
            throw new IllegalArgumentException("unknown option(s) " + o.unknown() + "\n" + o.usage());
        }
    }

    public static void main(String[] args) throws Exception {
        Bench.quietLogging();
        int code;
        try {
            code = new EstBenchmark(new Bench.Options(args)).run();
        } catch (IllegalArgumentException e) {
            System.err.println("error: " + e.getMessage());
            code = 2;
        }
        System.out.flush();
        System.exit(code);
    }

    private record Device(String endpoint, String identity, byte[] key, byte[] csr) {
    }

    private record Sample(long endNanos, long latencyNanos, boolean ok) {
    }

    private int run() throws Exception {
        if (!Files.isRegularFile(jar)) {
            throw new IllegalArgumentException("no server jar at " + jar.toAbsolutePath() + " (./mvnw -DskipTests install)");
        }
        try (BenchServer server = BenchServer.create(false)) {
            server.launch(jar, serverJvm, serverArgs, Duration.ofMinutes(3));
            Bench.info("server pid " + server.pid() + ", coaps port " + server.coapsPort());
            List<Device> devices = register(server);
            InetSocketAddress target = new InetSocketAddress(InetAddress.getLoopbackAddress(), server.coapsPort());
            ScheduledThreadPoolExecutor dtlsPool = new ScheduledThreadPoolExecutor(2, Bench.daemon("bench-dtls"));
            ScheduledThreadPoolExecutor coapPool = new ScheduledThreadPoolExecutor(2, Bench.daemon("bench-coap"));
            Configuration config = clientConfiguration();

            List<List<Sample>> results = new ArrayList<>();
            List<Thread> workers = new ArrayList<>();
            for (Device device : devices) {
                List<Sample> mine = new ArrayList<>();
                results.add(mine);
                Thread worker = new Thread(() -> drive(device, target, config, dtlsPool, coapPool, mine), "bench-" + device.identity());
                worker.setDaemon(true);
                workers.add(worker);
            }
            Bench.info(String.format("load: %d devices, %s, warm-up %.0f s, window %.0f s", concurrency,
                    handshake ? "a fresh DTLS handshake per enrollment" : "established DTLS sessions", warmupSeconds, durationSeconds));
            workers.forEach(Thread::start);
            Thread.sleep(Math.round(warmupSeconds * 1000));
            if (jfr != null) {
                Files.deleteIfExists(jfr);
                Bench.jdkTool(30, "jcmd", Long.toString(server.pid()), "JFR.start", "name=est", "settings=profile", "filename=" + jfr);
            }
            java.util.Map<Long, ProcCpu.ThreadTicks> threadsStart = ProcCpu.threadTicks(server.pid());
            ProcCpu.Sample cpuStart = ProcCpu.sample(server.pid(), server.dataDir().toString());
            windowStart = cpuStart.wallNanos();
            Thread.sleep(Math.round(durationSeconds * 1000));
            ProcCpu.Sample cpuEnd = ProcCpu.sample(server.pid(), server.dataDir().toString());
            windowEnd = cpuEnd.wallNanos();
            java.util.Map<String, Long> threads = ProcCpu.threadDelta(threadsStart, ProcCpu.threadTicks(server.pid()));
            if (jfr != null) {
                Bench.jdkTool(60, "jcmd", Long.toString(server.pid()), "JFR.stop", "name=est");
            }
            stop.set(true);
            for (Thread worker : workers) {
                worker.join(30_000);
            }
            dtlsPool.shutdownNow();
            coapPool.shutdownNow();
            int exit = report(results, cpuEnd.minus(cpuStart));
            System.out.println("server JVM CPU by thread pool (s): " + threads.entrySet().stream()
                    .sorted(java.util.Map.Entry.<String, Long>comparingByValue().reversed()).limit(8)
                    .map(e -> e.getKey() + " " + String.format("%.1f", ProcCpu.seconds(e.getValue())))
                    .collect(java.util.stream.Collectors.joining(", ")));
            if (jfr != null && Files.isRegularFile(jfr)) {
                JfrSummary.print(jfr, System.out, 15);
            }
            return exit;
        }
    }

    private void drive(Device device, InetSocketAddress target, Configuration config, ScheduledThreadPoolExecutor dtlsPool,
            ScheduledThreadPoolExecutor coapPool, List<Sample> into) {
        CoapEndpoint endpoint = null;
        while (!stop.get()) {
            if (endpoint == null) {
                endpoint = endpoint(device, config, dtlsPool, coapPool);
            }
            Request sen = Request.newPost();
            sen.setURI("coaps://127.0.0.1:" + target.getPort() + "/.well-known/est/sen");
            sen.getOptions().setContentFormat(286).setAccept(287);
            sen.setPayload(device.csr());
            long start = System.nanoTime();
            Response response;
            try {
                endpoint.sendRequest(sen);
                response = sen.waitForResponse(30_000);
            } catch (InterruptedException e) {
                return;
            }
            long end = System.nanoTime();
            boolean ok = response != null && response.getCode() == ResponseCode.CHANGED;
            if (!ok && into.stream().noneMatch(s -> !s.ok())) {
                Bench.info(device.endpoint() + ": " + (response == null ? "no answer" : response.getCode() + " " + response.getPayloadString()));
            }
            synchronized (into) {
                into.add(new Sample(end, end - start, ok));
            }
            if (handshake || !ok) {
                endpoint.destroy();
                endpoint = null;
            }
        }
        if (endpoint != null) {
            endpoint.destroy();
        }
    }

    private static CoapEndpoint endpoint(Device device, Configuration config, ScheduledThreadPoolExecutor dtlsPool,
            ScheduledThreadPoolExecutor coapPool) {
        DTLSConnector connector = new DTLSConnector(DtlsConnectorConfig.builder(config)
                .setAddress(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))
                .setAdvancedPskStore(new AdvancedSinglePskStore(device.identity(), device.key()))
                .build());
        connector.setExecutor(dtlsPool);
        CoapEndpoint endpoint = new CoapEndpoint.Builder().setConfiguration(config).setConnector(connector).build();
        endpoint.setExecutors(coapPool, coapPool);
        try {
            endpoint.start();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return endpoint;
    }

    private static Configuration clientConfiguration() {
        Configuration c = new Configuration();
        c.set(DtlsConfig.DTLS_ROLE, DtlsConfig.DtlsRole.CLIENT_ONLY);
        c.set(DtlsConfig.DTLS_RECOMMENDED_CIPHER_SUITES_ONLY, false);
        c.setAsList(DtlsConfig.DTLS_CIPHER_SUITES, CipherSuite.TLS_PSK_WITH_AES_128_CCM_8);
        c.set(DtlsConfig.DTLS_RECEIVER_THREAD_COUNT, 1);
        c.set(DtlsConfig.DTLS_CONNECTOR_THREAD_COUNT, 1);
        c.set(DtlsConfig.DTLS_MAX_CONNECTIONS, 4);
        c.set(DtlsConfig.DTLS_MAX_TRANSMISSION_UNIT, 1280);
        c.set(CoapConfig.MAX_ACTIVE_PEERS, 4);
        return c;
    }

    /** A mode-4 DM server, a profile allowing EST over PSK, and the devices with their CSRs. */
    private List<Device> register(BenchServer server) throws Exception {
        String chain = JSON.readTree(server.api("GET", "/api/v1/bootstrap-server", null, Duration.ofSeconds(30)).body())
                .get("certificateChain").asString();
        String certificate = Pem.certificate(Pem.parseCertificates(chain).get(0));
        expect(server.api("POST", "/api/v1/servers", "{\"name\":\"dm-est\",\"uri\":\"coaps://dm.example:5684\",\"shortServerId\":101,"
                + "\"lifetime\":300,\"binding\":\"U\",\"securityMode\":\"" + dmMode + "\""
                + (dmMode.equals("EST") ? ",\"serverCertificate\":" + JSON.writeValueAsString(certificate) : "") + "}", Duration.ofSeconds(30)), 201);
        expect(server.api("POST", "/api/v1/profiles", "{\"name\":\"est\",\"definition\":{\"servers\":[{\"server\":\"dm-est\"}],"
                + "\"est\":{\"allowBootstrapCredential\":true}}}", Duration.ofSeconds(30)), 201);
        SecureRandom random = new SecureRandom();
        List<Device> devices = new ArrayList<>();
        for (int i = 0; i < concurrency; i++) {
            String endpoint = String.format("urn:dev:est-bench:%05d", i);
            String identity = "est-bench-" + i;
            byte[] key = new byte[16];
            random.nextBytes(key);
            expect(server.api("POST", "/api/v1/devices", "{\"endpoint\":\"" + endpoint + "\",\"profile\":\"est\",\"bootstrapCredential\":"
                    + "{\"mode\":\"PSK\",\"identity\":\"" + identity + "\",\"key\":\"" + HexFormat.of().formatHex(key) + "\"}}",
                    Duration.ofSeconds(30)), 201);
            KeyPair keys = KeyAlgorithm.EC_P256.generate(random);
            byte[] csr = new JcaPKCS10CertificationRequestBuilder(new X500Principal("CN=" + endpoint), keys.getPublic())
                    .build(new JcaContentSignerBuilder("SHA256withECDSA").build(keys.getPrivate())).getEncoded();
            devices.add(new Device(endpoint, identity, key, csr));
        }
        return devices;
    }

    private static void expect(HttpResponse<String> response, int status) {
        if (response.statusCode() != status) {
            throw new IllegalStateException("HTTP " + response.statusCode() + ": " + response.body());
        }
    }

    private int report(List<List<Sample>> results, ProcCpu.Sample cpu) {
        List<Sample> window = new ArrayList<>();
        long failures = 0;
        for (List<Sample> r : results) {
            synchronized (r) {
                for (Sample s : r) {
                    if (s.endNanos() >= windowStart && s.endNanos() <= windowEnd) {
                        if (s.ok()) {
                            window.add(s);
                        } else {
                            failures++;
                        }
                    }
                }
            }
        }
        double seconds = (windowEnd - windowStart) / 1e9;
        long[] latencies = window.stream().mapToLong(Sample::latencyNanos).sorted().toArray();
        double javaMs = ProcCpu.seconds(cpu.javaTicks()) * 1000;
        double pgMs = ProcCpu.seconds(cpu.postgresTicks()) * 1000;
        double rate = window.size() / seconds;
        System.out.printf("EST sen (%s), %d devices, DM server mode %s, %.1f s window%n",
                handshake ? "fresh handshake each" : "established sessions", concurrency, dmMode, seconds);
        double javaPer = window.isEmpty() ? Double.NaN : javaMs / window.size();
        double pgPer = window.isEmpty() ? Double.NaN : pgMs / window.size();
        double perEnrollment = javaPer + pgPer;
        // The load generator (this JVM) does the same work per enrollment in every run: a gauge of the machine's speed.
        double loadgenPer = window.isEmpty() ? Double.NaN : ProcCpu.seconds(cpu.selfTicks()) * 1000 / window.size();
        double p50 = latencies.length == 0 ? Double.NaN : percentile(latencies, 50);
        double p99 = latencies.length == 0 ? Double.NaN : percentile(latencies, 99);
        System.out.printf("enrollments      : %d ok, %d failed, %.0f/s%n", window.size(), failures, rate);
        if (latencies.length > 0) {
            System.out.printf("latency          : p50 %.1f ms, p99 %.1f ms, max %.1f ms%n", p50, p99,
                    latencies[latencies.length - 1] / 1e6);
            System.out.printf("server CPU       : %.2f ms per enrollment (JVM %.2f + PostgreSQL %.2f), %.0f%% of one core%n",
                    perEnrollment, javaPer, pgPer, (javaMs + pgMs) / 10 / seconds);
            System.out.printf("load generator   : %.3f ms CPU per enrollment, this JVM%n", loadgenPer);
        }
        if (!handshake) {
            System.out.printf("targets          : >= %.0f enrollments/s: %s;  <= %.2f ms server CPU/enrollment: %s%n", TARGET_PER_SECOND,
                    rate >= TARGET_PER_SECOND ? "MET" : "MISSED", TARGET_CPU_MS, perEnrollment <= TARGET_CPU_MS ? "MET" : "MISSED");
        }
        // One line for scripts, keyed as BootstrapBenchmark's RESULT line (src/test/bench/paired.sh reads both).
        System.out.printf(Locale.ROOT, "RESULT est dm_mode=%s handshake=%s concurrency=%d window_s=%.1f sessions=%d failures=%d"
                        + " sessions_per_s=%.1f p50_ms=%.1f p99_ms=%.1f java_cpu_ms=%.3f pg_cpu_ms=%.3f server_cpu_ms=%.3f"
                        + " loadgen_cpu_ms=%.3f%n",
                dmMode, handshake, concurrency, seconds, window.size(), failures, rate, p50, p99, javaPer, pgPer, perEnrollment,
                loadgenPer);
        return failures == 0 && !window.isEmpty() ? 0 : 1;
    }

    private static double percentile(long[] sorted, int p) {
        return sorted[Math.min(sorted.length - 1, (int) Math.ceil(p / 100.0 * sorted.length) - 1)] / 1e6;
    }
}
