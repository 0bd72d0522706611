package io.lwm2m.provisioning.e2e;

import io.lwm2m.provisioning.cli.Cli;
import io.lwm2m.provisioning.cli.CliContext;
import java.io.BufferedReader;
import java.io.PrintWriter;
import java.io.StringReader;
import java.io.StringWriter;
import java.util.Arrays;
import java.util.Map;

/**
 * One run of the jar's command line in this JVM ({@link Cli#execute}), with its own environment and
 * input, its output and messages captured. What it printed is echoed to the test log (a PSK key given
 * on its command line left out), except for runs asked to show secrets.
 */
record CliRun(int exitCode, String out, String err) {

    static CliRun run(String... args) {
        return run(Map.of(), "", args);
    }

    static CliRun run(Map<String, String> env, String input, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Cli.execute(new CliContext(new PrintWriter(out, true), new PrintWriter(err, true),
                new BufferedReader(new StringReader(input)), env, false), args);
        CliRun run = new CliRun(code, out.toString(), err.toString());
        if (!Arrays.asList(args).contains("--show-secrets")) {
            System.out.println("[cli] " + String.join(" ", args).replaceAll("--psk-key \\S+", "--psk-key <key>") + " -> " + code + "\n"
                    + run.out() + run.err());
        }
        return run;
    }

    /** Output and messages together. */
    String all() {
        return out + err;
    }

    @Override
    public String toString() {
        return "exit " + exitCode + "\n" + all();
    }
}
