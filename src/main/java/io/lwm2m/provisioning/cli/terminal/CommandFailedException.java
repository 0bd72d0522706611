package io.lwm2m.provisioning.cli.terminal;

/** A command that cannot go on, with what to tell the user (one line, no stack trace) and its exit code. */
public final class CommandFailedException extends RuntimeException {

    private final int exitCode;

    public CommandFailedException(String message) {
        this(message, ExitCode.FAILED);
    }

    public CommandFailedException(String message, int exitCode) {
        super(message, null, false, false);
        this.exitCode = exitCode;
    }

    public int exitCode() {
        return exitCode;
    }
}
