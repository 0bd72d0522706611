package io.lwm2m.provisioning.e2e;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import io.lwm2m.provisioning.cli.Cli;
import io.lwm2m.provisioning.cli.terminal.CliContext;
import java.io.BufferedReader;
import java.io.PrintWriter;
import java.io.StringReader;
import java.io.StringWriter;
import java.util.Arrays;
import java.util.Map;
import org.slf4j.LoggerFactory;

/**
 * One run of the jar's command line in this JVM ({@link Cli#execute}), with its own environment and
 * input, its output and messages captured. What it printed is echoed to the test log (a PSK key given
 * on its command line left out), except for runs asked to show secrets.
 */
record CliRun(int exitCode, String out, String err) {

    /**
     * Every simulated device opens a connector, and Californium logs each start at INFO: 50,000 lines for one smoke
     * test of 10,000 devices in this JVM's log (the jar's commands log errors only, cli-logback.xml). Set before each
     * run: a server started since then has reset the levels.
     */
    private static void quietConnectorStarts() {
        LoggerContext logging = (LoggerContext) LoggerFactory.getILoggerFactory();
        for (String logger : new String[] {"org.eclipse.californium.scandium.DTLSConnector", "org.eclipse.californium.core.network.CoapEndpoint",
                "org.eclipse.californium.scandium.dtls.InMemoryReadWriteLockConnectionStore",
                "org.eclipse.californium.core.network.stack.BlockwiseLayer"}) {
            logging.getLogger(logger).setLevel(Level.WARN);
        }
    }

    static CliRun run(String... args) {
        return run(Map.of(), "", args);
    }

    static CliRun run(Map<String, String> env, String input, String... args) {
        quietConnectorStarts();
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
