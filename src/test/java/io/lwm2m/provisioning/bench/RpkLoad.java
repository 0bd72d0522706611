package io.lwm2m.provisioning.bench;

import io.lwm2m.provisioning.e2e.LeshanDevice;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import org.eclipse.californium.scandium.dtls.cipher.CipherSuite;
import org.eclipse.leshan.client.object.Security;

/**
 * The outside driver of the RPK side-by-side comparison ({@code src/test/bench/side-by-side-rpk.sh}): the
 * shared probe's {@code load} takes PSK and X.509 devices only, so this program takes its place for raw
 * public keys, with the same command line and the same output, for {@code ../shared/bench/scripts/measure.py}.
 * Each bootstrap is Eclipse Leshan's client (not our code), started fresh for one endpoint: a full DTLS
 * handshake, then the bootstrap the server drives. Both servers get the same driver, so its own cost
 * (a Leshan client started per bootstrap is dearer than the probe's shared runtime) does not favour either.
 *
 * <pre>
 * load --url coaps://HOST:PORT --endpoints-file FILE --concurrency N --duration S --warmup S --timeout S [--ciphers SUITE]
 * </pre>
 * Lines of FILE: {@code endpoint,rpk,CLIENT_PUBLIC_KEY_HEX,CLIENT_PRIVATE_KEY_HEX,SERVER_PUBLIC_KEY_HEX} (DER:
 * SubjectPublicKeyInfo, PKCS#8, SubjectPublicKeyInfo). Prints {@code PROBE-WINDOW-START}/{@code -END} on
 * stderr at the window's edges and one JSON object on stdout: completed, failed, timeouts, perSecond,
 * p50ms, p90ms, p99ms, maxMs, wholeRun, errors.
 */
public final class RpkLoad {

    private record Device(String endpoint, byte[] publicKey, byte[] privateKey, byte[] serverKey) {
    }

    private RpkLoad() {
    }

    public static void main(String[] args) throws Exception {
        // Errors only, on stderr, as the jar's commands log: stdout is the result, and a Leshan client per
        // bootstrap logs its start and stop at INFO.
        System.setProperty("logback.configurationFile", "cli-logback.xml");
        if (args.length == 0 || !args[0].equals("load")) {
            throw new IllegalArgumentException("usage: load --url coaps://HOST:PORT --endpoints-file FILE --concurrency N "
                    + "--duration S --warmup S --timeout S [--ciphers SUITE]");
        }
        Map<String, String> options = new TreeMap<>();
        for (int i = 1; i + 1 < args.length; i += 2) {
            options.put(args[i].replaceFirst("^--", ""), args[i + 1]);
        }
        String url = options.get("url");
        List<Device> devices = read(Path.of(options.get("endpoints-file")));
        int concurrency = Integer.parseInt(options.getOrDefault("concurrency", "16"));
        long warmupNanos = TimeUnit.SECONDS.toNanos(Long.parseLong(options.getOrDefault("warmup", "0")));
        long durationNanos = TimeUnit.SECONDS.toNanos(Long.parseLong(options.getOrDefault("duration", "30")));
        Duration timeout = Duration.ofSeconds(Long.parseLong(options.getOrDefault("timeout", "30")));
        List<CipherSuite> suites = List.of(CipherSuite.valueOf(options.getOrDefault("ciphers", "TLS_ECDHE_ECDSA_WITH_AES_128_CCM_8")));

        LongAdder completed = new LongAdder();
        LongAdder failed = new LongAdder();
        LongAdder timeouts = new LongAdder();
        LongAdder completedAll = new LongAdder();
        LongAdder failedAll = new LongAdder();
        Map<String, LongAdder> reasons = new java.util.concurrent.ConcurrentHashMap<>();
        java.util.Queue<Long> latencies = new java.util.concurrent.ConcurrentLinkedQueue<>();
        AtomicLong next = new AtomicLong();
        long start = System.nanoTime();
        long windowStart = start + warmupNanos;
        long deadline = windowStart + durationNanos;
        Thread marker = new Thread(() -> {
            sleepUntil(windowStart);
            System.err.println("PROBE-WINDOW-START " + System.currentTimeMillis());
            sleepUntil(deadline);
            System.err.println("PROBE-WINDOW-END " + System.currentTimeMillis());
        }, "rpk-load-marker");
        marker.setDaemon(true);
        marker.start();
        ExecutorService workers = Executors.newFixedThreadPool(concurrency);
        for (int w = 0; w < concurrency; w++) {
            workers.submit(() -> {
                while (System.nanoTime() < deadline) {
                    Device device = devices.get((int) (next.getAndIncrement() % devices.size()));
                    long t0 = System.nanoTime();
                    String failure;
                    try (LeshanDevice client = LeshanDevice.start(device.endpoint(),
                            Security.rpkBootstrap(url, device.publicKey(), device.privateKey(), device.serverKey()),
                            LeshanDevice.Flavour.LWM2M_1_1_SENML_CBOR, suites)) {
                        LeshanDevice.Outcome outcome = client.awaitBootstrap(timeout);
                        failure = outcome.success() ? null : String.valueOf(outcome.message());
                    } catch (java.util.concurrent.TimeoutException e) {
                        failure = "timeout";
                    } catch (Exception e) {
                        failure = e.toString();
                    }
                    long t1 = System.nanoTime();
                    boolean inWindow = t1 >= windowStart && t1 <= deadline;
                    if (failure == null) {
                        completedAll.increment();
                        if (inWindow) {
                            completed.increment();
                            latencies.add(t1 - t0);
                        }
                    } else {
                        failedAll.increment();
                        if (inWindow) {
                            (failure.equals("timeout") ? timeouts : failed).increment();
                            reasons.computeIfAbsent(failure.length() > 160 ? failure.substring(0, 160) : failure,
                                    k -> new LongAdder()).increment();
                        }
                    }
                }
                return null;
            });
        }
        workers.shutdown();
        workers.awaitTermination(warmupNanos + durationNanos + timeout.toNanos() + TimeUnit.SECONDS.toNanos(60), TimeUnit.NANOSECONDS);
        long[] all = latencies.stream().mapToLong(Long::longValue).sorted().toArray();
        double seconds = durationNanos / 1e9;
        StringBuilder json = new StringBuilder("{");
        json.append("\"completed\":").append(completed.sum()).append(",\"failed\":").append(failed.sum())
                .append(",\"timeouts\":").append(timeouts.sum())
                .append(",\"perSecond\":").append(round(completed.sum() / seconds))
                .append(",\"p50ms\":").append(percentileMs(all, 50)).append(",\"p90ms\":").append(percentileMs(all, 90))
                .append(",\"p99ms\":").append(percentileMs(all, 99))
                .append(",\"maxMs\":").append(all.length == 0 ? 0 : round(all[all.length - 1] / 1e6))
                .append(",\"concurrency\":").append(concurrency)
                .append(",\"wholeRun\":{\"completed\":").append(completedAll.sum()).append(",\"failed\":").append(failedAll.sum())
                .append("},\"errors\":{");
        String separator = "";
        for (Map.Entry<String, LongAdder> e : reasons.entrySet()) {
            json.append(separator).append('"').append(e.getKey().replace("\\", "\\\\").replace("\"", "'")).append("\":")
                    .append(e.getValue().sum());
            separator = ",";
        }
        System.out.println(json.append("}}"));
        System.exit(0); // Leshan's clients leave non-daemon threads behind
    }

    private static List<Device> read(Path file) throws java.io.IOException {
        List<Device> devices = new ArrayList<>();
        HexFormat hex = HexFormat.of();
        for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
            String[] f = line.strip().split(",");
            if (f.length == 5 && f[1].equals("rpk")) {
                devices.add(new Device(f[0], hex.parseHex(f[2]), hex.parseHex(f[3]), hex.parseHex(f[4])));
            } else if (!line.isBlank()) {
                throw new IllegalArgumentException(file + ": expected endpoint,rpk,PUBLIC_HEX,PRIVATE_HEX,SERVER_PUBLIC_HEX: " + line);
            }
        }
        if (devices.isEmpty()) {
            throw new IllegalArgumentException(file + " lists no devices");
        }
        return devices;
    }

    private static void sleepUntil(long nanoTime) {
        long left;
        while ((left = nanoTime - System.nanoTime()) > 0) {
            try {
                TimeUnit.NANOSECONDS.sleep(left);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    private static double percentileMs(long[] sorted, int percentile) {
        if (sorted.length == 0) {
            return 0;
        }
        int index = (int) Math.ceil(percentile / 100.0 * sorted.length) - 1;
        return round(sorted[Math.max(0, Math.min(index, sorted.length - 1))] / 1e6);
    }

    private static double round(double value) {
        return Math.round(value * 10) / 10.0;
    }
}
