package io.lwm2m.provisioning.bench;

import io.lwm2m.provisioning.ca.CaFactory;
import io.lwm2m.provisioning.ca.CertificateIssuer;
import io.lwm2m.provisioning.ca.CertificateProfile;
import io.lwm2m.provisioning.ca.GeneratedCa;
import io.lwm2m.provisioning.ca.KeyAlgorithm;
import io.lwm2m.provisioning.ca.Pem;
import io.lwm2m.provisioning.cli.device.client.DeviceCredentials;
import io.lwm2m.provisioning.cli.device.client.DeviceIdentity;
import io.lwm2m.provisioning.cli.device.client.DeviceStack;
import io.lwm2m.provisioning.cli.device.client.ScriptedResponder;
import io.lwm2m.provisioning.cli.device.client.SessionResult;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.eclipse.californium.scandium.dtls.cipher.CipherSuite;
import tools.jackson.databind.json.JsonMapper;

/**
 * First-contact admissions per second for each zero-touch mechanism (issue 17): simulated devices
 * nobody registered bootstrap with a PSK derived from an enrollment group's key ({@code psk}) or
 * with a factory certificate of a group's manufacturer CA ({@code x509}), every session a new device,
 * so every Bootstrap-Request is an admission (the device created, recorded, audited) followed by a
 * complete bootstrap; or, as EST-only devices, enroll over EST-coaps with a factory certificate
 * ({@code est}), every enrollment an admission followed by the device's first certificate. Prints
 * admissions/s, p50/p99 of the time until the first request was answered (handshake and admission)
 * and of the whole session, and the server's CPU (its JVM and PostgreSQL, from /proc) per admission. Starts {@code target/provisioning-server.jar} as its own
 * process; the load generator beside it has its own cost (factory certificates are made here).
 * Exit 0: no failure. See docs/benchmarks.md.
 */
public final class AdmissionBenchmark {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final SecureRandom RANDOM = new SecureRandom();
    /** What each mechanism's devices do, printed with its figures. */
    private static final Map<String, String> SETTINGS = Map.of(
            "psk", "psk (symmetric-key group, 16-byte derived PSK, TLS_PSK_WITH_AES_128_CCM_8, bootstrap of one PSK DM account)",
            "x509", "x509 (X.509 group, P-256 factory certificate, TLS_ECDHE_ECDSA_WITH_AES_128_CCM_8, bootstrap of one PSK DM account)",
            "est", "est (X.509 group, P-256 factory certificate, TLS_ECDHE_ECDSA_WITH_AES_128_CCM_8, EST-coaps sen of a P-256 CSR)");

    private final List<String> mechanisms;
    private final int concurrency;
    private final double durationSeconds;
    private final double warmupSeconds;
    private final Path jar;
    private final List<String> serverArgs;
    private final AtomicLong sequence = new AtomicLong();

    private AdmissionBenchmark(Bench.Options o) {
        mechanisms = Arrays.asList(o.string("mechanism", "psk,x509,est", "psk (symmetric-key group over bootstrap), x509 (X.509 group"
                + " over bootstrap), est (X.509 group over EST), comma-separated, one after the other")
                .split(","));
        concurrency = o.integer("concurrency", 16, "devices making their first contact at the same time");
        durationSeconds = o.seconds("duration", "60s", "measured window per mechanism");
        warmupSeconds = o.seconds("warmup", "20s", "load before each window, not counted");
        jar = Path.of(o.string("jar", "target/provisioning-server.jar", "the server jar"));
        serverArgs = o.words("server-args", "extra server arguments");
        if (!o.unknown().isEmpty() || !List.of("psk", "x509", "est").containsAll(mechanisms)) {
            throw new IllegalArgumentException("unknown option(s) " + o.unknown() + " or mechanism " + mechanisms + "\n" + o.usage());
        }
    }

    public static void main(String[] args) throws Exception {
        Bench.quietLogging();
        int code;
        try {
            code = new AdmissionBenchmark(new Bench.Options(args)).run();
        } catch (IllegalArgumentException e) {
            System.err.println("error: " + e.getMessage());
            code = 2;
        }
        System.out.flush();
        System.exit(code);
    }

    /** Makes the next new device of a mechanism. */
    private interface Factory {
        DeviceIdentity next();
    }

    /** One first contact of a new device: a bootstrap, or an EST enrollment. */
    private interface FirstContact {
        SessionResult contact(DeviceIdentity device) throws InterruptedException;
    }

    private int run() throws Exception {
        if (!Files.isRegularFile(jar)) {
            throw new IllegalArgumentException("no server jar at " + jar.toAbsolutePath() + " (./mvnw -DskipTests package)");
        }
        try (BenchServer server = BenchServer.create(false)) {
            server.launch(jar, List.of(), serverArgs, Duration.ofMinutes(3));
            Bench.info("server pid " + server.pid() + ", coaps port " + server.coapsPort() + ", extra server arguments " + serverArgs);
            String profile = profile(server);
            int exit = 0;
            for (String mechanism : mechanisms) {
                Factory devices = mechanism.equals("psk") ? symmetricGroup(server, profile) : x509Group(server, profile, mechanism);
                Thread.sleep(6_000); // the server's handshakes learn the new group within provisioning.enrollment.refresh-interval
                exit |= measure(server, mechanism, devices);
            }
            return exit;
        }
    }

    private static String profile(BenchServer server) throws Exception {
        expect(server.api("POST", "/api/v1/servers", "{\"name\":\"dm-1\",\"uri\":\"coaps://dm.example:5684\",\"shortServerId\":101,"
                + "\"lifetime\":300,\"binding\":\"U\",\"securityMode\":\"PSK\"}", Duration.ofSeconds(30)), 201);
        expect(server.api("POST", "/api/v1/profiles", "{\"name\":\"zero-touch\",\"definition\":{\"servers\":[{\"server\":\"dm-1\"}]}}",
                Duration.ofSeconds(30)), 201);
        return "zero-touch";
    }

    /** A symmetric-key group; its devices' keys derived here as a factory line would. */
    private Factory symmetricGroup(BenchServer server, String profile) throws Exception {
        HttpResponse<String> created = server.api("POST", "/api/v1/enrollment-groups", """
                {"name":"bench-psk","attestation":{"type":"SYMMETRIC_KEY","identityPrefix":"b-","derivedKeyLength":16},
                 "allocation":{"type":"STATIC","profile":"%s"}}""".formatted(profile), Duration.ofSeconds(30));
        expect(created, 201);
        byte[] groupKey = HexFormat.of().parseHex(JSON.readTree(created.body()).get("groupKey").asString());
        return () -> {
            String endpoint = "urn:dev:bench-psk:" + sequence.incrementAndGet();
            return new DeviceIdentity(endpoint, new DeviceCredentials.Psk("b-" + endpoint, derive(groupKey, "b-" + endpoint)));
        };
    }

    /**
     * An X.509 group of a manufacturer CA made here (one per mechanism: a CA belongs to one group);
     * each device gets a new factory certificate.
     */
    private Factory x509Group(BenchServer server, String profile, String mechanism) throws Exception {
        GeneratedCa manufacturer = CaFactory.generate(KeyAlgorithm.EC_P256, "Bench Factory " + mechanism, "Bench Devices", Duration.ofDays(30),
                Duration.ofDays(30), null, RANDOM);
        expect(server.api("POST", "/api/v1/manufacturer-cas", "{\"name\":\"bench-" + mechanism + "\",\"certificate\":"
                + JSON.writeValueAsString(Pem.certificate(manufacturer.issuing())) + "}", Duration.ofSeconds(30)), 201);
        expect(server.api("POST", "/api/v1/enrollment-groups", """
                {"name":"bench-%1$s","attestation":{"type":"X509","manufacturerCas":["bench-%1$s"]},
                 "allocation":{"type":"STATIC","profile":"%2$s"}}""".formatted(mechanism, profile), Duration.ofSeconds(30)), 201);
        CertificateIssuer issuer = new CertificateIssuer(manufacturer.issuing(), manufacturer.issuingKey(), null, null, RANDOM);
        return () -> {
            String endpoint = "urn:dev:bench-" + mechanism + ":" + sequence.incrementAndGet();
            KeyPair keys = KeyAlgorithm.EC_P256.generate(RANDOM);
            X509Certificate certificate = issuer.issue(keys.getPublic(), CertificateProfile.device(Duration.ofDays(30)), endpoint,
                    URI.create("urn:bench:" + endpoint), CertificateIssuer.randomSerial(RANDOM), Instant.now().minusSeconds(60));
            return new DeviceIdentity(endpoint, new DeviceCredentials.X509(keys.getPrivate(), List.of(certificate)));
        };
    }

    private int measure(BenchServer server, String mechanism, Factory devices) throws Exception {
        CipherSuite cipher = mechanism.equals("psk") ? CipherSuite.TLS_PSK_WITH_AES_128_CCM_8
                : CipherSuite.TLS_ECDHE_ECDSA_WITH_AES_128_CCM_8;
        // The load generator of BootstrapBenchmark (the CLI's `device load`): a fresh DTLS connector per session.
        DeviceStack.Threads threads = DeviceStack.Threads.create("bench", 2);
        InetSocketAddress target = new InetSocketAddress(InetAddress.getLoopbackAddress(), server.coapsPort());
        DeviceStack stack = new DeviceStack(new DeviceStack.Settings(target, true, List.of(cipher), 30_000, 112, true, null, null),
                threads);
        ScriptedResponder responder = new ScriptedResponder("coaps://127.0.0.1:" + server.coapsPort());
        FirstContact contact = mechanism.equals("est") ? new EstFirstContact(target, threads, 30_000)::enroll
                : device -> stack.bootstrap(device, responder);
        AtomicBoolean stop = new AtomicBoolean();
        List<List<SessionResult>> results = new ArrayList<>();
        List<Thread> workers = new ArrayList<>();
        for (int i = 0; i < concurrency; i++) {
            List<SessionResult> mine = new ArrayList<>();
            results.add(mine);
            Thread worker = new Thread(() -> drive(contact, devices, stop, mine), "bench-" + mechanism + "-" + i);
            worker.setDaemon(true);
            workers.add(worker);
        }
        Bench.info(String.format("%s: %d devices at a time, warm-up %.0f s, window %.0f s", mechanism, concurrency, warmupSeconds,
                durationSeconds));
        workers.forEach(Thread::start);
        Thread.sleep(Math.round(warmupSeconds * 1000));
        ProcCpu.Sample before = ProcCpu.sample(server.pid(), server.dataDir().toString());
        Thread.sleep(Math.round(durationSeconds * 1000));
        ProcCpu.Sample after = ProcCpu.sample(server.pid(), server.dataDir().toString());
        stop.set(true);
        for (Thread worker : workers) {
            worker.join(60_000);
        }
        threads.shutdown();
        return report(mechanism, results, before, after);
    }

    private static void drive(FirstContact contact, Factory devices, AtomicBoolean stop, List<SessionResult> into) {
        while (!stop.get()) {
            try {
                SessionResult result = contact.contact(devices.next());
                synchronized (into) {
                    into.add(result);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    private int report(String mechanism, List<List<SessionResult>> results, ProcCpu.Sample before, ProcCpu.Sample after) {
        List<SessionResult> window = new ArrayList<>();
        long failures = 0;
        String firstFailure = null;
        for (List<SessionResult> r : results) {
            synchronized (r) {
                for (SessionResult s : r) {
                    if (s.endNanos() >= before.wallNanos() && s.endNanos() <= after.wallNanos()) {
                        if (s.ok()) {
                            window.add(s);
                        } else {
                            failures++;
                            firstFailure = firstFailure == null ? s.failure() : firstFailure;
                        }
                    }
                }
            }
        }
        ProcCpu.Sample cpu = after.minus(before);
        double seconds = (after.wallNanos() - before.wallNanos()) / 1e9;
        double javaMs = ProcCpu.seconds(cpu.javaTicks()) * 1000;
        double pgMs = ProcCpu.seconds(cpu.postgresTicks()) * 1000;
        long[] answered = window.stream().mapToLong(SessionResult::requestAnsweredNanos).sorted().toArray();
        long[] whole = window.stream().mapToLong(r -> r.endNanos() - r.startNanos()).sorted().toArray();
        System.out.printf("zero-touch admissions, %s, %d devices at a time, warm-up %.0f s, %.1f s window%n", SETTINGS.get(mechanism),
                concurrency, warmupSeconds, seconds);
        System.out.printf("admissions       : %d ok (each a new device, then %s), %d failed, %.1f/s%n", window.size(),
                mechanism.equals("est") ? "its first certificate" : "a complete bootstrap", failures, window.size() / seconds);
        if (!window.isEmpty()) {
            System.out.printf("%s answered: p50 %.1f ms, p99 %.1f ms (handshake + admission)%n",
                    mechanism.equals("est") ? "EST sen" : "Bootstrap-Request", percentile(answered, 50), percentile(answered, 99));
            System.out.printf("whole session    : p50 %.1f ms, p99 %.1f ms%n", percentile(whole, 50), percentile(whole, 99));
            System.out.printf("server CPU       : %.2f ms per admission (JVM %.2f + PostgreSQL %.2f)%n",
                    (javaMs + pgMs) / window.size(), javaMs / window.size(), pgMs / window.size());
        }
        if (firstFailure != null) {
            System.out.println("first failure    : " + firstFailure);
        }
        return failures == 0 && !window.isEmpty() ? 0 : 1;
    }

    private static double percentile(long[] sorted, int p) {
        return sorted[Math.min(sorted.length - 1, (int) Math.ceil(p / 100.0 * sorted.length) - 1)] / 1e6;
    }

    private static byte[] derive(byte[] groupKey, String identity) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(groupKey, "HmacSHA256"));
            return Arrays.copyOf(mac.doFinal(identity.getBytes(StandardCharsets.UTF_8)), 16);
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void expect(HttpResponse<String> response, int status) {
        if (response.statusCode() != status) {
            throw new IllegalStateException("HTTP " + response.statusCode() + ": " + response.body());
        }
    }
}
