package org.iommusim.simulations.cli;

/** A problem with what the user asked for: shown as one line, never as a stack trace. */
public final class UserError extends RuntimeException {
    public UserError(String message) {
        super(message);
    }

    public UserError(String message, Throwable cause) {
        super(message, cause);
    }
}
