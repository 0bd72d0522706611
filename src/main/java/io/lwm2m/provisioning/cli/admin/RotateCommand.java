package io.lwm2m.provisioning.cli.admin;

import io.lwm2m.provisioning.cli.terminal.CliContext;
import io.lwm2m.provisioning.cli.terminal.ExitCode;
import io.lwm2m.provisioning.crypto.OwnerOnlyFiles;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import tools.jackson.databind.JsonNode;

/**
 * {@code rotate ENDPOINT}: a new credential, PENDING beside the active one until the device uses it.
 * The server delivers it at the device's next bootstrap, so the secrets in the API's answer are not
 * printed; {@code --secrets-out} keeps them in an owner-only file.
 */
@Command(name = "rotate", mixinStandardHelpOptions = true, sortOptions = false, description = "Rotates a device's credential "
        + "(POST /api/v1/devices/{endpoint}/credentials/rotate): the new one is PENDING beside the active one, delivered at the next "
        + "bootstrap; the old one retires once the new one is in use.")
public final class RotateCommand implements Callable<Integer> {

    private final CliContext context;

    @Mixin
    private DeviceTarget target;

    @Option(names = "--server", paramLabel = "NAME", description = "Rotate the credential for this DM server (default: the bootstrap "
            + "credential).")
    private String server;

    @Option(names = "--secrets-out", paramLabel = "FILE", description = "Save the new credential with its secrets (JSON) to this new "
            + "file, readable by its owner only.")
    private Path secretsOut;

    @Mixin
    private ApiOptions apiOptions;

    public RotateCommand(CliContext context) {
        this.context = context;
    }

    @Override
    public Integer call() throws Exception {
        if (secretsOut != null && Files.exists(secretsOut)) {
            throw new IllegalArgumentException(secretsOut + " exists: the secrets go into a new file only");
        }
        AdminApi api = apiOptions.api();
        String what = server == null ? "the bootstrap credential" : "the credential for DM server " + server;
        target.confirm(context, api, "Rotate " + what + " of", "A new credential is created beside the active one.");
        Map<String, String> body = new LinkedHashMap<>();
        body.put("target", server == null ? "bootstrap" : "server");
        if (server != null) {
            body.put("server", server);
        }
        JsonNode created = api.post(target.path() + "/credentials/rotate", AdminApi.JSON.writeValueAsString(body));
        context.out().printf("New %s credential %d (%s, %s) for %s%s; the device receives it at its next bootstrap, and the old one "
                        + "retires once the new one is in use.%n", server == null ? "bootstrap" : server, created.path("id").asLong(),
                created.path("mode").asString(), created.path("status").asString(), target.endpoint,
                created.hasNonNull("identity") ? ", PSK identity " + created.get("identity").asString() : "");
        if (secretsOut != null) {
            OwnerOnlyFiles.write(secretsOut, AdminApi.JSON.writerWithDefaultPrettyPrinter().writeValueAsString(created) + "\n");
            context.err().println("WARNING: " + secretsOut + " holds the new credential's secrets in clear text; delete it when done.");
        } else if (created.has("key") || created.has("privateKey")) {
            context.out().println("Its secrets were in the API's answer only; they are not printed (--secrets-out FILE keeps them).");
        }
        return ExitCode.OK;
    }
}
