package io.lwm2m.provisioning.cli.admin;

import io.lwm2m.provisioning.cli.terminal.CliContext;
import io.lwm2m.provisioning.cli.terminal.DurationConverter;
import io.lwm2m.provisioning.cli.terminal.ExitCode;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import tools.jackson.databind.JsonNode;

/**
 * {@code sessions ENDPOINT}: a device's bootstrap sessions, oldest of the page first; with
 * {@code --follow} it keeps asking and prints each new session, and each running one when it ends.
 */
@Command(name = "sessions", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Lists a device's bootstrap sessions (GET /api/v1/devices/{endpoint}/sessions); --follow prints new ones as "
                + "they come.", "With --until, exit code 0 once a new session ended that way, 1 when --timeout passed first."})
public final class SessionsCommand implements Callable<Integer> {

    private final CliContext context;

    @Parameters(index = "0", paramLabel = "ENDPOINT", description = "The device's endpoint name.")
    private String endpoint;

    @Option(names = "--limit", paramLabel = "N", defaultValue = "10", description = "The newest N sessions. Default: ${DEFAULT-VALUE}.")
    private int limit;

    @Option(names = "--steps", description = "Each request the server sent in a session, with the device's answer.")
    private boolean steps;

    @Option(names = {"-f", "--follow"}, description = "Keep polling and print new sessions (Ctrl-C ends).")
    private boolean follow;

    @Option(names = "--interval", paramLabel = "DURATION", defaultValue = "2s", converter = DurationConverter.class,
            description = "How often --follow asks. Default: ${DEFAULT-VALUE}.")
    private Duration interval;

    @Option(names = "--until", paramLabel = "OUTCOME", description = "With --follow: stop once a session that started after this "
            + "command ended SUCCEEDED or FAILED (ENDED: either).")
    private String until;

    @Option(names = "--timeout", paramLabel = "DURATION", converter = DurationConverter.class, description = "With --follow: stop "
            + "after this long.")
    private Duration timeout;

    @Mixin
    private ApiOptions apiOptions;

    public SessionsCommand(CliContext context) {
        this.context = context;
    }

    @Override
    public Integer call() throws Exception {
        if (until != null && !List.of("SUCCEEDED", "FAILED", "ENDED").contains(until)) {
            throw new IllegalArgumentException("--until must be SUCCEEDED, FAILED or ENDED, not " + until);
        }
        if ((until != null || timeout != null) && !follow) {
            throw new IllegalArgumentException("--until and --timeout go with --follow");
        }
        AdminApi api = apiOptions.api();
        String path = "api/v1/devices/" + AdminApi.segment(endpoint) + "/sessions?limit=" + Math.max(1, Math.min(1000, limit));
        Map<String, String> printed = new HashMap<>();
        List<JsonNode> first = fetch(api, path);
        if (first.isEmpty()) {
            context.out().println("No bootstrap session of " + endpoint + " yet.");
        }
        first.forEach(s -> print(s, printed));
        if (!follow) {
            return ExitCode.OK;
        }
        return follow(api, path, printed);
    }

    private int follow(AdminApi api, String path, Map<String, String> printed) throws InterruptedException {
        Set<String> before = new HashSet<>(printed.keySet());
        long deadline = timeout == null ? Long.MAX_VALUE : System.nanoTime() + timeout.toNanos();
        context.err().println("Following the sessions of " + endpoint + (until == null ? "" : " until one ends " + until) + "...");
        while (System.nanoTime() < deadline) {
            Thread.sleep(Math.min(interval.toMillis(), Math.max(1, (deadline - System.nanoTime()) / 1_000_000)));
            for (JsonNode session : fetch(api, path)) {
                print(session, printed);
                String outcome = session.get("outcome").asString();
                boolean ended = !outcome.equals("RUNNING");
                if (until != null && !before.contains(session.get("id").asString()) && ended
                        && (until.equals("ENDED") || until.equals(outcome))) {
                    return ExitCode.OK;
                }
            }
        }
        return until == null ? ExitCode.OK : ExitCode.FAILED;
    }

    /** The page, oldest first. */
    private static List<JsonNode> fetch(AdminApi api, String path) {
        List<JsonNode> sessions = new ArrayList<>();
        api.get(path).forEach(sessions::add);
        Collections.reverse(sessions);
        return sessions;
    }

    /** Prints a session the first time it is seen, and again when its outcome changed. */
    private void print(JsonNode s, Map<String, String> printed) {
        String id = s.get("id").asString();
        String outcome = s.get("outcome").asString();
        if (outcome.equals(printed.put(id, outcome))) {
            return;
        }
        PrintWriter out = context.out();
        out.printf("%s  %-9s %6s  %-5s LwM2M %-4s %-11s %s%n", s.path("startedAt").asString(), outcome,
                s.has("durationMs") ? s.get("durationMs").asLong() + " ms" : "", s.path("securityMode").asString("-"),
                s.path("lwm2mVersion").asString("-"), format(s.path("contentFormat")), s.path("peerAddress").asString(""));
        if (s.hasNonNull("reason")) {
            out.println("    reason: " + (s.hasNonNull("failure") ? s.get("failure").asString() + ": " : "") + s.get("reason").asString());
        }
        if (steps) {
            s.path("steps").forEach(step -> out.println(String.format("    %-20s %-10s %-6s %s", step.path("operation").asString(""),
                    step.path("path").asString(""), step.path("responseCode").asString("-"), step.path("detail").asString("")).stripTrailing()));
        }
    }

    private static String format(JsonNode contentFormat) {
        if (contentFormat.isMissingNode() || contentFormat.isNull()) {
            return "-";
        }
        return switch (contentFormat.asInt()) {
            case 11542 -> "TLV";
            case 110 -> "SenML-JSON";
            case 112 -> "SenML-CBOR";
            case 11544 -> "LwM2M-CBOR";
            default -> "cf " + contentFormat.asInt();
        };
    }
}
