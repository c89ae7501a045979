package org.iommusim.simulations.cli;

import java.io.PrintWriter;

/** A one-line progress bar on the terminal (stderr), redrawn in place; silent when asked or not on a terminal. */
final class ProgressBar {
    private static final int WIDTH = 40;
    private final PrintWriter err;
    private final boolean enabled;
    private long shown = -1;

    ProgressBar(PrintWriter err, boolean quiet) {
        this.err = err;
        this.enabled = !quiet && System.console() != null;
    }

    /** {@code permille}: 0..1000 done. */
    synchronized void update(long permille) {
        long pct = permille / 10;
        if (!enabled || pct == shown) {
            return;
        }
        shown = pct;
        int filled = (int) (permille * WIDTH / 1000);
        err.print("\r[" + "#".repeat(filled) + ".".repeat(WIDTH - filled) + "] " + pct + "%");
        err.flush();
    }

    synchronized void done() {
        if (enabled && shown >= 0) {
            err.print("\r" + " ".repeat(WIDTH + 8) + "\r");
            err.flush();
        }
    }
}
