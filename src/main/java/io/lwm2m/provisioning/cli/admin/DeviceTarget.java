package io.lwm2m.provisioning.cli.admin;

import io.lwm2m.provisioning.cli.terminal.CliContext;
import io.lwm2m.provisioning.cli.terminal.CommandFailedException;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import tools.jackson.databind.JsonNode;

/**
 * The device a state-changing command acts on, and the confirmation it asks for: the prompt names the
 * device and what will happen to it; {@code --yes} answers it in scripts.
 */
public final class DeviceTarget {

    @Parameters(index = "0", paramLabel = "ENDPOINT", description = "The device's endpoint name.")
    String endpoint;

    @Option(names = {"-y", "--yes"}, description = "Do not ask for confirmation.")
    boolean yes;

    String path() {
        return "api/v1/devices/" + AdminApi.segment(endpoint);
    }

    /** Reads the device (404: it does not exist), then asks "{@code action} device X (STATE, ...)? consequence". */
    JsonNode confirm(CliContext context, AdminApi api, String action, String consequence) {
        JsonNode device = api.get(path());
        if (yes) {
            return device;
        }
        String description = device.path("state").asString() + (device.hasNonNull("profile") ? ", profile " + device.get("profile")
                .asString() : "");
        if (!context.confirm(action + " device " + endpoint + " (" + description + ")? " + consequence)) {
            throw new CommandFailedException("not confirmed: nothing was done to " + endpoint);
        }
        return device;
    }
}
