package io.lwm2m.provisioning.cli.terminal;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.PrintWriter;
import java.util.Map;

/**
 * Where a command reads and writes: its output, its messages (progress bars, warnings), the answers
 * to its prompts and the environment ({@code PROVISIONING_API_URL}, {@code PROVISIONING_API_KEY}, ...),
 * given to each command so that tests run commands in-process with their own.
 *
 * @param interactive whether a person watches the messages (a terminal): progress bars redraw one line
 */
public record CliContext(PrintWriter out, PrintWriter err, BufferedReader in, Map<String, String> env, boolean interactive) {

    public CliContext {
        env = Map.copyOf(env);
    }

    /** An environment variable, or null when unset or empty. */
    public String env(String name) {
        String value = env.get(name);
        return value == null || value.isBlank() ? null : value;
    }

    /**
     * Asks {@code question} and reads a line; true for "y" or "yes". No answer (end of input) is no.
     */
    public boolean confirm(String question) {
        err.print(question + " [y/N] ");
        err.flush();
        try {
            String answer = in.readLine();
            return answer != null && (answer.trim().equalsIgnoreCase("y") || answer.trim().equalsIgnoreCase("yes"));
        } catch (IOException e) {
            return false;
        }
    }
}
