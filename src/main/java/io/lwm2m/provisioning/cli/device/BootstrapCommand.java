package io.lwm2m.provisioning.cli.device;

import io.lwm2m.provisioning.cli.device.client.DeviceIdentity;
import io.lwm2m.provisioning.cli.device.client.DeviceStack;
import io.lwm2m.provisioning.cli.device.client.Failure;
import io.lwm2m.provisioning.cli.device.client.ServerTrust;
import io.lwm2m.provisioning.cli.device.client.SessionResult;
import io.lwm2m.provisioning.cli.device.client.SimulatedClient;
import io.lwm2m.provisioning.cli.terminal.CliContext;
import io.lwm2m.provisioning.cli.terminal.ExitCode;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code device bootstrap}: one device bootstraps from its credentials, and the command prints every
 * request of the server with the device's answer, then the Security, Server and Access Control
 * objects the device holds afterwards (secret keys masked).
 */
@Command(name = "bootstrap", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Bootstraps one simulated device and prints what it received: the Security, Server and Access Control objects "
                + "it holds afterwards (secret keys masked unless --show-secrets).",
                "Exit code 0 when the bootstrap finished, 1 when it failed."})
final class BootstrapCommand implements Callable<Integer> {

    private final CliContext context;

    @Mixin
    private DeviceInput input;

    @Mixin
    private ClientOptions client;

    @Option(names = "--pack", description = "LwM2M 1.2: send a Bootstrap-Pack-Request first (falling back to a Bootstrap-Request "
            + "when it is refused, as Anjay does).")
    private boolean pack;

    @Option(names = "--show-secrets", description = "Print secret keys (/0/x/5) instead of masking them.")
    private boolean showSecrets;

    @Option(names = "--discover-answer", paramLabel = "LINKS", description = "Answer Bootstrap-Discover with this link-format text, "
            + "as a client in the field did (e.g. 'lwm2m=1.0,</0/0>,</1/0>;ssid=101'), to see what the server makes of it.")
    private String discoverAnswer;

    BootstrapCommand(CliContext context) {
        this.context = context;
    }

    @Override
    public Integer call() throws Exception {
        PrintWriter out = context.out();
        Flavour flavour = client.flavour(pack);
        DeviceStack.Settings settings = client.settings(flavour);
        DeviceIdentity device = input.device(settings.secure());
        ServerTrust trust = settings.trust();
        SimulatedClient simulated = new SimulatedClient(flavour.version(), client.accountInstance(), client.serverUri().toString(),
                device.credentials(), trust);
        if (discoverAnswer != null) {
            simulated.answerDiscoverWith(discoverAnswer);
        }
        out.println("Bootstrapping " + device.endpoint() + " at " + client.serverUri() + " as " + flavour.describe() + ", "
                + device.credentials().describe());
        int mode = device.credentials().securityMode();
        if (!trust.checksServer() && (mode == 1 || mode == 2)) {
            out.println("note: the server's key is not checked (give --server-key with the answer of GET /api/v1/bootstrap-server)");
        }
        DeviceStack.Threads threads = DeviceStack.Threads.create("device", 1);
        SessionResult result;
        try {
            DeviceStack stack = new DeviceStack(settings, threads);
            result = run(stack, device, simulated, flavour);
        } finally {
            threads.shutdown();
        }
        out.println();
        out.println("The device holds:");
        ObjectsReport report = new ObjectsReport(out, showSecrets);
        for (int object = 0; object <= 2; object++) {
            report.print(object, simulated.instances(object));
        }
        return result.ok() ? ExitCode.OK : ExitCode.FAILED;
    }

    private SessionResult run(DeviceStack stack, DeviceIdentity device, SimulatedClient simulated, Flavour flavour)
            throws InterruptedException {
        PrintWriter out = context.out();
        if (flavour.pack()) {
            SessionResult packed = stack.packRequest(device, simulated);
            printHandshake(packed);
            out.printf("%-60s %s%n", "GET /bspack (Bootstrap-Pack-Request)", packed.requestCode() == null ? "no answer" : packed.requestCode());
            printSteps(simulated, 0);
            if (packed.ok() || packed.kind() != Failure.PACK_REFUSED) {
                return outcome(packed, device);
            }
            out.println("The pack was refused: falling back to a Bootstrap-Request, as Anjay does.");
        }
        int before = simulated.steps().size();
        SessionResult result = stack.bootstrap(device, simulated);
        printHandshake(result);
        out.printf("%-60s %s%n", "POST /bs" + (stack.settings().sendEndpointName() ? "?ep=" + device.endpoint() : "")
                + " (Bootstrap-Request)", result.requestCode() == null ? "no answer" : result.requestCode());
        printSteps(simulated, before);
        return outcome(result, device);
    }

    private void printHandshake(SessionResult result) {
        if (result.cipherSuite() != null) {
            context.out().println("DTLS handshake done in " + TimeUnit.NANOSECONDS.toMillis(result.handshakeNanos()) + " ms, "
                    + result.cipherSuite());
        }
    }

    private void printSteps(SimulatedClient simulated, int from) {
        simulated.steps().stream().skip(from).forEach(step -> context.out().printf("%-60s %s%n", step.request(), step.answer()
                + (step.problem() == null ? "" : ": " + step.problem())));
    }

    private SessionResult outcome(SessionResult result, DeviceIdentity device) {
        PrintWriter out = context.out();
        if (result.ok()) {
            out.println("Bootstrap finished in " + TimeUnit.NANOSECONDS.toMillis(result.endNanos() - result.startNanos()) + " ms.");
        } else {
            out.println("Bootstrap FAILED: " + result.failure());
            out.println("  " + result.kind().meaning() + ".");
            if (result.kind() != Failure.CLIENT_ERROR) {
                out.println("  " + hint(result.kind(), device.endpoint()));
            }
        }
        return result;
    }

    private static String hint(Failure kind, String endpoint) {
        return switch (kind) {
            case HANDSHAKE_WRONG_KEY, HANDSHAKE_ALERT, HANDSHAKE_FAILED -> "The server records why: GET /api/v1/devices/" + endpoint
                    + "/handshake-failures (see the README's Troubleshooting).";
            case HANDSHAKE_NO_ANSWER -> "Is the server listening at this address and port (provisioning.coaps.port)? A source with too many "
                    + "failures is blocked for a while (provisioning.bootstrap.max-failures-per-source).";
            default -> "The server's reason is in the session record: provisioning-server sessions " + endpoint
                    + " (or GET /api/v1/devices/" + endpoint + "/sessions); a request naming another device's endpoint is"
                    + " recorded under the device whose credentials it used.";
        };
    }
}
