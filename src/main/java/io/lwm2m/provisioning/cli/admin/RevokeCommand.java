package io.lwm2m.provisioning.cli.admin;

import io.lwm2m.provisioning.cli.terminal.CliContext;
import io.lwm2m.provisioning.cli.terminal.ExitCode;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import tools.jackson.databind.JsonNode;

/** {@code revoke ENDPOINT}: credentials stop authenticating at once; their certificates go into the next CRL. */
@Command(name = "revoke", mixinStandardHelpOptions = true, sortOptions = false, description = "Revokes a device's credentials "
        + "(POST /api/v1/devices/{endpoint}/credentials/revoke): they stop authenticating at once, certificates go into the next CRL.")
public final class RevokeCommand implements Callable<Integer> {

    private final CliContext context;

    @Mixin
    private DeviceTarget target;

    @Option(names = "--target", paramLabel = "WHICH", defaultValue = "all", description = "bootstrap, server (with --server) or all. "
            + "Default: ${DEFAULT-VALUE}.")
    private String which;

    @Option(names = "--server", paramLabel = "NAME", description = "The DM server whose credential is revoked (--target server).")
    private String server;

    @Option(names = "--reason", paramLabel = "REASON", defaultValue = "unspecified", description = "unspecified, keyCompromise, "
            + "affiliationChanged, superseded, cessationOfOperation or privilegeWithdrawn. Default: ${DEFAULT-VALUE}.")
    private String reason;

    @Mixin
    private ApiOptions apiOptions;

    public RevokeCommand(CliContext context) {
        this.context = context;
    }

    @Override
    public Integer call() throws Exception {
        AdminApi api = apiOptions.api();
        String what = switch (which) {
            case "all" -> "every credential";
            case "bootstrap" -> "the bootstrap credential";
            case "server" -> "the credential for DM server " + server;
            default -> throw new IllegalArgumentException("--target must be bootstrap, server or all, not " + which);
        };
        target.confirm(context, api, "Revoke " + what + " of", "They stop authenticating at once; this cannot be undone.");
        Map<String, String> body = new LinkedHashMap<>();
        body.put("target", which);
        if (server != null) {
            body.put("server", server);
        }
        body.put("reason", reason);
        JsonNode revoked = api.post(target.path() + "/credentials/revoke", AdminApi.JSON.writeValueAsString(body));
        context.out().println("Revoked " + revoked.size() + " credential(s) of " + target.endpoint + ":");
        revoked.forEach(c -> context.out().printf("  %d  %-9s %-5s %s%s%n", c.path("id").asLong(),
                c.hasNonNull("server") ? c.get("server").asString() : "bootstrap", c.path("mode").asString(), c.path("status").asString(),
                c.hasNonNull("certificateSerial") ? "  certificate " + c.get("certificateSerial").asString() : ""));
        return ExitCode.OK;
    }
}
