package io.lwm2m.provisioning.cli;

import io.lwm2m.provisioning.cli.terminal.CliContext;
import io.lwm2m.provisioning.cli.terminal.CommandFailedException;
import io.lwm2m.provisioning.cli.terminal.ExitCode;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.lang.reflect.Constructor;
import java.nio.charset.StandardCharsets;
import java.nio.file.NoSuchFileException;
import java.util.Set;
import picocli.CommandLine;

/**
 * The jar's command line (picocli): builds the command tree over a {@link CliContext}, maps errors to
 * exit codes ({@link ExitCode}) and messages.
 */
public final class Cli {

    private static final Set<String> HELP = Set.of("-h", "--help", "-V", "--version");

    private Cli() {
    }

    /** No arguments or only options ({@code --server.port=0}): the server starts as it always did. */
    public static boolean startsServerDirectly(String[] args) {
        return args.length == 0 || args[0].startsWith("-") && !HELP.contains(args[0]);
    }

    /** Runs a command with the process's streams and environment. */
    public static int run(String... args) {
        PrintWriter out = new PrintWriter(System.out, true, StandardCharsets.UTF_8);
        PrintWriter err = new PrintWriter(System.err, true, StandardCharsets.UTF_8);
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        return execute(new CliContext(out, err, in, System.getenv(), System.console() != null), args);
    }

    /** Runs a command in {@code context}; its exit code. */
    public static int execute(CliContext context, String... args) {
        CommandLine commandLine = new CommandLine(new ProvisioningCommand(), new ContextFactory(context));
        commandLine.setOut(context.out());
        commandLine.setErr(context.err());
        commandLine.setExecutionExceptionHandler((e, cmd, parsed) -> {
            if (e instanceof CommandFailedException failed) {
                context.err().println("error: " + e.getMessage());
                return failed.exitCode();
            }
            if (e instanceof IllegalArgumentException) {
                context.err().println("error: " + e.getMessage());
                return ExitCode.USAGE;
            }
            if (e instanceof NoSuchFileException missing) {
                context.err().println("error: no such file: " + missing.getFile());
                return ExitCode.USAGE;
            }
            if (e instanceof IOException) {
                context.err().println("error: " + e);
                return ExitCode.FAILED;
            }
            throw e;
        });
        try {
            return commandLine.execute(args);
        } finally {
            context.out().flush();
            context.err().flush();
        }
    }

    /** Gives commands that want it their context ({@code new XCommand(CliContext)}). */
    private record ContextFactory(CliContext context) implements CommandLine.IFactory {

        @Override
        public <K> K create(Class<K> type) throws Exception {
            Constructor<K> constructor;
            try {
                constructor = type.getDeclaredConstructor(CliContext.class);
            } catch (NoSuchMethodException e) {
                return CommandLine.defaultFactory().create(type);
            }
            // Commands are package-private classes; picocli's own factory opens them the same way.
            constructor.setAccessible(true);
            return constructor.newInstance(context);
        }
    }
}
