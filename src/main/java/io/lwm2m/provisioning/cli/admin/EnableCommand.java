package io.lwm2m.provisioning.cli.admin;

import io.lwm2m.provisioning.cli.terminal.CliContext;
import io.lwm2m.provisioning.cli.terminal.ExitCode;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import tools.jackson.databind.JsonNode;

/** {@code enable ENDPOINT}: a disabled device may bootstrap again. */
@Command(name = "enable", mixinStandardHelpOptions = true, description = "Enables a disabled device (POST "
        + "/api/v1/devices/{endpoint}/enable): it may bootstrap again.")
public final class EnableCommand implements Callable<Integer> {

    private final CliContext context;

    @Mixin
    private DeviceTarget target;

    @Mixin
    private ApiOptions apiOptions;

    public EnableCommand(CliContext context) {
        this.context = context;
    }

    @Override
    public Integer call() throws Exception {
        AdminApi api = apiOptions.api();
        target.confirm(context, api, "Enable", "It may bootstrap again.");
        JsonNode device = api.post(target.path() + "/enable", null);
        context.out().println("Device " + target.endpoint + " is " + device.path("state").asString() + ".");
        return ExitCode.OK;
    }
}
