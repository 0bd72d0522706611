package io.lwm2m.provisioning;

import io.lwm2m.provisioning.cli.Cli;
import io.lwm2m.provisioning.cli.terminal.ExitCode;

/**
 * The jar's entry point ({@code java -jar provisioning-server.jar [command]}). No arguments, or only
 * options ({@code --server.port=8081}), start the server as they always did; a first word names a
 * command ({@code serve}, {@code device bootstrap}, {@code import}, ...), run by the CLI. Only
 * {@code serve} starts Spring: the other commands never touch the server's configuration, data
 * directory or embedded PostgreSQL (docs/decisions/060).
 */
public final class Main {

    private Main() {
    }

    public static void main(String[] args) {
        if (Cli.startsServerDirectly(args)) {
            ProvisioningServerApplication.main(args);
            return;
        }
        if (!args[0].equals("serve")) {
            // Before anything logs: Californium's chatter stays out of the commands' output (the server configures its own).
            System.setProperty("logback.configurationFile", "cli-logback.xml");
        }
        int code = Cli.run(args);
        if (code != ExitCode.SERVING) {
            System.exit(code);
        }
    }
}
