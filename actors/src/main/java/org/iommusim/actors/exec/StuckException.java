package org.iommusim.actors.exec;

/**
 * A deterministic wait that cannot end: nothing is left to run and no timer
 * is armed ({@link Reason#NOTHING_TO_RUN}), or the next timer lies beyond the
 * virtual time the wait allows ({@link Reason#DEADLINE}). Names what was
 * awaited and the virtual time. Never a hang: a thread pool would wait for
 * ever (or a wall-clock timeout) in the same state.
 */
public final class StuckException extends IllegalStateException {
    private static final long serialVersionUID = 1L;

    /** Why the wait ended. */
    public enum Reason { NOTHING_TO_RUN, DEADLINE }

    private final Reason reason;
    private final String awaited;
    private final long virtualNanos;

    StuckException(Reason reason, String awaited, long virtualNanos, String detail) {
        super("waiting for " + awaited + " at virtual time " + virtualNanos + " ns: " + detail);
        this.reason = reason;
        this.awaited = awaited;
        this.virtualNanos = virtualNanos;
    }

    public Reason reason() {
        return reason;
    }

    /** What was awaited, as the waiter named it. */
    public String awaited() {
        return awaited;
    }

    /** The virtual time when the wait gave up. */
    public long virtualNanos() {
        return virtualNanos;
    }
}
