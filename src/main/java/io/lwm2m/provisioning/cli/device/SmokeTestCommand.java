package io.lwm2m.provisioning.cli.device;

import io.lwm2m.provisioning.cli.device.client.DeviceStack;
import io.lwm2m.provisioning.cli.device.client.ServerTrust;
import io.lwm2m.provisioning.cli.device.client.SessionResult;
import io.lwm2m.provisioning.cli.device.client.SimulatedClient;
import io.lwm2m.provisioning.cli.terminal.CliContext;
import io.lwm2m.provisioning.cli.terminal.ExitCode;
import io.lwm2m.provisioning.cli.terminal.ProgressBar;
import io.lwm2m.provisioning.crypto.EllipticCurveProvider;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code device smoke-test}: bootstraps the devices of an import's secrets file, many at a time, as a
 * factory line checks a batch before shipping it: a progress bar, then how many bootstrapped and
 * the failures by reason, each with the devices it hit. Each device is a real bootstrap (the server
 * records a session, and delivers what is pending).
 */
@Command(name = "smoke-test", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Bootstraps the devices of an import's secrets file (GET /api/v1/imports/{id}/secrets) and sums up the "
                + "failures by reason.", "Exit code 0 when every device bootstrapped, 1 when any failed."})
final class SmokeTestCommand implements Callable<Integer> {

    private static final int EXAMPLES = 5;

    private final CliContext context;

    @Parameters(index = "0", paramLabel = "SECRETS_CSV", description = "The import's secrets file (CSV).")
    private Path file;

    @Option(names = "--devices", paramLabel = "N", defaultValue = "0", description = "Bootstrap the first N devices of the file "
            + "(default: all).")
    private int devices;

    @Option(names = "--concurrency", paramLabel = "N", defaultValue = "16", description = "Devices bootstrapping at the same time. "
            + "Default: ${DEFAULT-VALUE}.")
    private int concurrency;

    @Mixin
    private ClientOptions client;

    SmokeTestCommand(CliContext context) {
        this.context = context;
    }

    /** One row's outcome. */
    private record Outcome(SecretsFile.Row row, String failure, String kind) {
    }

    @Override
    public Integer call() throws Exception {
        // The server's EC arithmetic (native where it loads): each ECDHE or ECDSA handshake costs the generator several times less.
        EllipticCurveProvider.install();
        if (concurrency < 1) {
            throw new IllegalArgumentException("--concurrency must be at least 1");
        }
        List<SecretsFile.Row> rows = SecretsFile.bootstrapRows(file, devices);
        if (rows.isEmpty()) {
            throw new IllegalArgumentException(file + " holds no bootstrap credential (rows with an empty server column)");
        }
        Flavour flavour = client.flavour(false);
        DeviceStack.Settings settings = client.settings(flavour);
        context.out().println("Smoke test of " + rows.size() + " devices from " + file + " against " + client.serverUri() + " ("
                + flavour.describe() + ", " + concurrency + " at a time)");
        long start = System.nanoTime();
        List<Outcome> outcomes = runAll(rows, settings, flavour);
        report(outcomes, System.nanoTime() - start);
        return outcomes.stream().allMatch(o -> o.failure() == null) ? ExitCode.OK : ExitCode.FAILED;
    }

    private List<Outcome> runAll(List<SecretsFile.Row> rows, DeviceStack.Settings settings, Flavour flavour) throws InterruptedException {
        DeviceStack.Threads threads = DeviceStack.Threads.create("smoke", Math.min(4, concurrency));
        ExecutorService workers = Executors.newFixedThreadPool(concurrency, DeviceStack.Threads.daemon("smoke-device"));
        ProgressBar bar = new ProgressBar(context, "bootstrapping");
        AtomicInteger done = new AtomicInteger();
        AtomicInteger failed = new AtomicInteger();
        long start = System.nanoTime();
        List<Outcome> outcomes = new ArrayList<>();
        try {
            DeviceStack stack = new DeviceStack(settings, threads);
            List<Future<Outcome>> futures = new ArrayList<>();
            for (SecretsFile.Row row : rows) {
                futures.add(workers.submit(() -> {
                    Outcome outcome = bootstrap(stack, row, settings.trust(), flavour);
                    int n = done.incrementAndGet();
                    int f = outcome.failure() == null ? failed.get() : failed.incrementAndGet();
                    bar.update(n, rows.size(), String.format("%.0f/s, %d failed", n / seconds(System.nanoTime() - start), f));
                    return outcome;
                }));
            }
            for (Future<Outcome> f : futures) {
                outcomes.add(f.get());
            }
        } catch (ExecutionException e) {
            throw new IllegalStateException(e.getCause());
        } finally {
            workers.shutdownNow();
            threads.shutdown();
        }
        bar.finish(done.get(), rows.size(), String.format("%.0f/s, %d failed", done.get() / seconds(System.nanoTime() - start),
                failed.get()));
        return outcomes;
    }

    private Outcome bootstrap(DeviceStack stack, SecretsFile.Row row, ServerTrust trust, Flavour flavour) throws InterruptedException {
        if (row.device() == null) {
            return new Outcome(row, row.problem(), "unreadable row in the secrets file");
        }
        SimulatedClient simulated = new SimulatedClient(flavour.version(), client.accountInstance(), client.serverUri().toString(),
                row.device().credentials(), trust);
        SessionResult result = stack.bootstrap(row.device(), simulated);
        return result.ok() ? new Outcome(row, null, null) : new Outcome(row, result.failure(), result.kind().meaning());
    }

    private void report(List<Outcome> outcomes, long nanos) {
        PrintWriter out = context.out();
        long failedCount = outcomes.stream().filter(o -> o.failure() != null).count();
        out.printf("%d devices in %.1f s (%.0f/s): %d bootstrapped, %d failed%n", outcomes.size(), seconds(nanos),
                outcomes.size() / seconds(nanos), outcomes.size() - failedCount, failedCount);
        if (failedCount == 0) {
            return;
        }
        Map<String, List<Outcome>> byKind = new TreeMap<>();
        outcomes.stream().filter(o -> o.failure() != null).forEach(o -> byKind.computeIfAbsent(o.kind(), k -> new ArrayList<>()).add(o));
        out.println("Failures by reason:");
        byKind.entrySet().stream().sorted((a, b) -> b.getValue().size() - a.getValue().size()).forEach(e -> {
            out.printf("%7d  %s%n", e.getValue().size(), e.getKey());
            e.getValue().stream().limit(EXAMPLES).forEach(o -> out.printf("           %s (import line %s): %s%n", o.row().endpoint(),
                    o.row().importLine(), o.failure()));
            if (e.getValue().size() > EXAMPLES) {
                out.printf("           ... and %d more%n", e.getValue().size() - EXAMPLES);
            }
        });
        out.println("Why the server refused a device: provisioning-server sessions <endpoint>, "
                + "GET /api/v1/devices/<endpoint>/handshake-failures (README, Troubleshooting).");
    }

    private static double seconds(long nanos) {
        return Math.max(1e-9, nanos / 1e9);
    }
}
