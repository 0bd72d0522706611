package io.lwm2m.provisioning.cli;

import io.lwm2m.provisioning.ProvisioningServerApplication;
import io.lwm2m.provisioning.cli.terminal.ExitCode;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Unmatched;

/** {@code serve [--property=value ...]}: starts the server, as {@code java -jar} without a command does. */
@Command(name = "serve", mixinStandardHelpOptions = true, description = {"Runs the server (what the jar does without a command).",
        "Every argument is a Spring Boot property, e.g. --server.port=8081 --provisioning.data-dir=/var/lib/provisioning."})
final class ServeCommand implements Callable<Integer> {

    @Unmatched
    private List<String> properties = new ArrayList<>();

    @Override
    public Integer call() {
        ProvisioningServerApplication.main(properties.toArray(String[]::new));
        return ExitCode.SERVING;
    }
}
