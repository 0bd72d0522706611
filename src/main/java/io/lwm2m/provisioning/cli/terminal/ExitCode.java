package io.lwm2m.provisioning.cli.terminal;

/**
 * The jar's exit codes: 0 done, 1 the command ran and something failed (a device did not bootstrap, a
 * row was refused, the API said no), 2 the command line or an input file is wrong.
 */
public final class ExitCode {

    public static final int OK = 0;
    public static final int FAILED = 1;
    public static final int USAGE = 2;
    /** {@code serve} started the server, whose threads keep the JVM alive: no exit. */
    public static final int SERVING = -1;

    private ExitCode() {
    }
}
