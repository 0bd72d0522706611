package io.lwm2m.provisioning.cli.admin;

import io.lwm2m.provisioning.cli.terminal.CliContext;
import io.lwm2m.provisioning.cli.terminal.ExitCode;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import tools.jackson.databind.JsonNode;

/** {@code disable ENDPOINT}: the device's Bootstrap-Requests are refused until it is enabled again. */
@Command(name = "disable", mixinStandardHelpOptions = true, description = "Disables a device (POST /api/v1/devices/{endpoint}/disable): "
        + "its Bootstrap-Requests are refused until it is enabled.")
public final class DisableCommand implements Callable<Integer> {

    private final CliContext context;

    @Mixin
    private DeviceTarget target;

    @Option(names = "--reason", paramLabel = "TEXT", description = "Why, for the audit log.")
    private String reason;

    @Mixin
    private ApiOptions apiOptions;

    public DisableCommand(CliContext context) {
        this.context = context;
    }

    @Override
    public Integer call() throws Exception {
        AdminApi api = apiOptions.api();
        target.confirm(context, api, "Disable", "Its Bootstrap-Requests will be refused until it is enabled.");
        String body = reason == null ? null : AdminApi.JSON.writeValueAsString(Map.of("reason", reason));
        JsonNode device = api.post(target.path() + "/disable", body);
        context.out().println("Device " + target.endpoint + " is " + device.path("state").asString() + ".");
        return ExitCode.OK;
    }
}
