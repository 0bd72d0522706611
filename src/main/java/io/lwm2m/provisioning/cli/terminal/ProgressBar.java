package io.lwm2m.provisioning.cli.terminal;

import java.io.PrintWriter;

/**
 * A progress bar on the messages stream: redrawn in place on a terminal (at most ten times a second),
 * a line per tenth of the work otherwise (a log, a CI job), so both stay readable.
 */
public final class ProgressBar {

    private static final int WIDTH = 30;

    private final PrintWriter err;
    private final boolean interactive;
    private final String label;
    private long lastDrawn;
    private int lastTenth = -1;

    public ProgressBar(CliContext context, String label) {
        this.err = context.err();
        this.interactive = context.interactive();
        this.label = label;
    }

    /** {@code done} of {@code total} (0: unknown yet), with a short note ("312/s, 2 failed"). */
    public synchronized void update(long done, long total, String note) {
        int tenth = total <= 0 ? 0 : (int) Math.min(10, done * 10 / total);
        if (interactive) {
            long now = System.nanoTime();
            if (now - lastDrawn < 100_000_000L && done < total) {
                return;
            }
            lastDrawn = now;
            err.print("\r" + line(done, total, note) + "  ");
            err.flush();
        } else if (tenth > lastTenth) {
            lastTenth = tenth;
            err.println(line(done, total, note));
            err.flush();
        }
    }

    /** The last state, and the cursor on a new line. */
    public synchronized void finish(long done, long total, String note) {
        if (interactive) {
            err.println("\r" + line(done, total, note) + "  ");
        } else if (lastTenth < 10) {
            err.println(line(done, total, note));
        }
        err.flush();
    }

    private String line(long done, long total, String note) {
        int filled = total <= 0 ? 0 : (int) Math.min(WIDTH, done * WIDTH / total);
        String percent = total <= 0 ? "  ?%" : String.format("%3d%%", Math.min(100, done * 100 / total));
        return label + " [" + "#".repeat(filled) + "-".repeat(WIDTH - filled) + "] " + percent + " " + done + "/"
                + (total <= 0 ? "?" : Long.toString(total)) + (note == null || note.isEmpty() ? "" : "  " + note);
    }
}
