package io.lwm2m.provisioning.cli;

import io.lwm2m.provisioning.Main;
import io.lwm2m.provisioning.cli.admin.CrlCommand;
import io.lwm2m.provisioning.cli.admin.DisableCommand;
import io.lwm2m.provisioning.cli.admin.EnableCommand;
import io.lwm2m.provisioning.cli.admin.ImportCommand;
import io.lwm2m.provisioning.cli.admin.RevokeCommand;
import io.lwm2m.provisioning.cli.admin.RotateCommand;
import io.lwm2m.provisioning.cli.admin.SessionsCommand;
import io.lwm2m.provisioning.cli.device.DeviceCommand;
import picocli.CommandLine.Command;
import picocli.CommandLine.HelpCommand;
import picocli.CommandLine.IVersionProvider;

/** {@code java -jar provisioning-server.jar <command>}: the server, the device simulator and the operator commands. */
@Command(name = "provisioning-server", mixinStandardHelpOptions = true, versionProvider = ProvisioningCommand.Version.class,
        description = "The LwM2M bootstrap and provisioning server (serve, the default), a device simulator and operator commands.",
        subcommands = {ServeCommand.class, DeviceCommand.class, ImportCommand.class, SessionsCommand.class, RotateCommand.class,
                RevokeCommand.class, DisableCommand.class, EnableCommand.class, CrlCommand.class, HelpCommand.class},
        footer = {"", "Operator commands read the API's URL from --api or PROVISIONING_API_URL (default http://localhost:8080) "
                + "and the API key from PROVISIONING_API_KEY or --api-key-file, never from the command line.",
                "", "Exit codes: 0 done, 1 something failed, 2 wrong command line or input file."})
public final class ProvisioningCommand {

    /** The jar's version (its manifest's Implementation-Version). */
    static final class Version implements IVersionProvider {
        @Override
        public String[] getVersion() {
            String version = Main.class.getPackage().getImplementationVersion();
            return new String[] {"provisioning-server " + (version == null ? "(development build)" : version)};
        }
    }
}
