package io.lwm2m.provisioning.cli.device;

import picocli.CommandLine.Command;

/** {@code device ...}: the device simulator. */
@Command(name = "device", mixinStandardHelpOptions = true, description = "Simulated LwM2M devices: bootstrap one, smoke-test an "
        + "import's secrets file, or generate load.", subcommands = {BootstrapCommand.class, SmokeTestCommand.class, LoadCommand.class})
public final class DeviceCommand {
}
