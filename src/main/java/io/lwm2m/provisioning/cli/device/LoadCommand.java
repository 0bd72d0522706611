package io.lwm2m.provisioning.cli.device;

import io.lwm2m.provisioning.cli.device.client.DeviceIdentity;
import io.lwm2m.provisioning.cli.device.client.DeviceStack;
import io.lwm2m.provisioning.cli.device.client.LoadGenerator;
import io.lwm2m.provisioning.cli.device.client.ScriptedResponder;
import io.lwm2m.provisioning.cli.device.client.SessionResult;
import io.lwm2m.provisioning.cli.terminal.CliContext;
import io.lwm2m.provisioning.cli.terminal.DurationConverter;
import io.lwm2m.provisioning.cli.terminal.ExitCode;
import io.lwm2m.provisioning.crypto.EllipticCurveProvider;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.function.ToLongFunction;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code device load}: the bootstrap benchmark's load generator on its own. Keeps {@code --concurrency}
 * devices of a secrets file bootstrapping (a fresh DTLS handshake each, scripted answers, nothing
 * decoded) for a warm-up and a measured window, then prints completed bootstraps per second, their
 * latency and the failures by reason. The server's own CPU is measured by the benchmark program
 * (docs/benchmarks.md), which drives this same generator.
 */
@Command(name = "load", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Generates bootstrap load from the devices of an import's secrets file and prints bootstraps/s, latency and "
                + "failures.", "Exit code 0 without failures, 1 with any."})
final class LoadCommand implements Callable<Integer> {

    private final CliContext context;

    @Parameters(index = "0", paramLabel = "SECRETS_CSV", description = "The import's secrets file (CSV); its devices are cycled through.")
    private Path file;

    @Option(names = "--concurrency", paramLabel = "N", defaultValue = "32", description = "Devices bootstrapping at the same time. "
            + "Default: ${DEFAULT-VALUE}.")
    private int concurrency;

    @Option(names = "--rate", paramLabel = "PER_SECOND", defaultValue = "0", description = "At most this many session starts per "
            + "second over all devices; 0: each device starts its next session right after the last. Default: ${DEFAULT-VALUE}.")
    private double rate;

    @Option(names = "--warmup", paramLabel = "DURATION", defaultValue = "10s", converter = DurationConverter.class,
            description = "Load before the measured window, not counted. Default: ${DEFAULT-VALUE}.")
    private Duration warmup;

    @Option(names = "--duration", paramLabel = "DURATION", defaultValue = "60s", converter = DurationConverter.class,
            description = "The measured window. Default: ${DEFAULT-VALUE}.")
    private Duration duration;

    @Option(names = "--client-threads", paramLabel = "N", defaultValue = "2", description = "Threads of each of the generator's "
            + "DTLS and CoAP pools. Default: ${DEFAULT-VALUE}.")
    private int clientThreads;

    @Mixin
    private ClientOptions client;

    LoadCommand(CliContext context) {
        this.context = context;
    }

    @Override
    public Integer call() throws Exception {
        if (!(rate >= 0) || Double.isInfinite(rate)) {
            throw new IllegalArgumentException("--rate wants a number of sessions per second, 0 or more, not " + rate);
        }
        // The server's EC arithmetic (native where it loads): each ECDHE or ECDSA handshake costs the generator several times less.
        EllipticCurveProvider.install();
        List<DeviceIdentity> devices = SecretsFile.bootstrapRows(file, 0).stream().filter(r -> r.device() != null)
                .map(SecretsFile.Row::device).toList();
        Flavour flavour = client.flavour(false);
        DeviceStack.Settings settings = client.settings(flavour);
        DeviceStack.Threads threads = DeviceStack.Threads.create("load", clientThreads);
        PrintWriter err = context.err();
        LoadGenerator generator = new LoadGenerator(new DeviceStack(settings, threads),
                new ScriptedResponder(client.serverUri().toString()), devices, concurrency, message -> err.println("load: " + message))
                .pacedAt(rate);
        context.out().printf("Load: %d concurrent devices of %d%s, %s, warm-up %d s, window %d s%n", concurrency, devices.size(),
                rate > 0 ? String.format(" paced at %.0f starts/s", rate) : "", flavour.describe(), warmup.toSeconds(), duration.toSeconds());
        generator.start();
        long windowStart;
        long windowEnd;
        try {
            Thread.sleep(warmup.toMillis());
            windowStart = System.nanoTime();
            generator.startWindow(windowStart);
            Thread.sleep(duration.toMillis());
            windowEnd = System.nanoTime();
            generator.stop(settings.sessionTimeoutMillis() + 15_000);
        } finally {
            threads.shutdown();
        }
        return report(generator.results(), windowStart, windowEnd) ? ExitCode.OK : ExitCode.FAILED;
    }

    /** Prints the figures of the window; true when nothing failed. */
    private boolean report(List<SessionResult> all, long t0, long t1) {
        PrintWriter out = context.out();
        List<SessionResult> ok = all.stream().filter(r -> r.ok() && r.endNanos() >= t0 && r.endNanos() <= t1).toList();
        Map<String, Integer> failures = new TreeMap<>();
        all.stream().filter(r -> !r.ok()).forEach(r -> failures.merge(r.failure(), 1, Integer::sum));
        double window = (t1 - t0) / 1e9;
        out.printf("sessions    : %d completed in the window, %d failed in the whole run%n", ok.size(),
                failures.values().stream().mapToInt(Integer::intValue).sum());
        failures.forEach((reason, count) -> out.printf("    %6d  %s%n", count, reason));
        out.printf("throughput  : %.1f complete bootstraps/s%n", ok.size() / window);
        if (!ok.isEmpty()) {
            out.println("latency (ms): " + percentiles(ok, r -> r.endNanos() - r.startNanos()) + "   (handshake start -> Finish answer sent)");
            out.println("  handshake : " + percentiles(ok, SessionResult::handshakeNanos));
        }
        return failures.isEmpty();
    }

    private static String percentiles(List<SessionResult> results, ToLongFunction<SessionResult> metric) {
        long[] sorted = results.stream().mapToLong(metric).filter(v -> v >= 0).sorted().toArray();
        if (sorted.length == 0) {
            return "-";
        }
        return String.format("p50 %.1f  p90 %.1f  p99 %.1f  max %.1f", at(sorted, 50), at(sorted, 90), at(sorted, 99),
                sorted[sorted.length - 1] / 1e6);
    }

    private static double at(long[] sorted, double p) {
        int i = (int) Math.ceil(p / 100.0 * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, i))] / 1e6;
    }
}
