package org.iommusim.persistence.journal;

/**
 * The journal directory cannot be used: locked by another process, not
 * writable, or not a directory. The message names the directory and the
 * cause, so a CLI can print it as it is. Nothing has been written when this
 * is thrown.
 */
public final class JournalUnavailableException extends RuntimeException {
    public JournalUnavailableException(String message) {
        super(message);
    }

    public JournalUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
