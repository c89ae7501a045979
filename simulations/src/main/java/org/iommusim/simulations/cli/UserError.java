package org.iommusim.simulations.cli;

/** A problem with what the user asked for: shown as one line, never as a stack trace. */
public final class UserError extends RuntimeException {
    public UserError(String message) {
        super(message);
    }

    public UserError(String message, Throwable cause) {
        super(message, cause);
    }

    /**
     * A journal directory the model could not start on (locked, unwritable, short of space) is the user's
     * to fix: shown as one line; any other model exception is returned as it is, for the caller to throw.
     */
    static RuntimeException ifJournalUnavailable(org.iommusim.actors.api.ModelException e) {
        return e.kind() == org.iommusim.actors.api.ModelException.Kind.JOURNAL_UNAVAILABLE
                ? new UserError(e.getMessage(), e) : e;
    }
}
