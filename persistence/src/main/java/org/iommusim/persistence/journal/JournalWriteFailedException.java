package org.iommusim.persistence.journal;

/**
 * A journal or snapshot write that did not happen: refused because the file
 * system is short of the space {@link JournalSpace} keeps free, or failed in
 * LevelDB (an I/O error). The message names the directory and the cause.
 * Pekko hands it to the persistent actor as a persist failure, which stops
 * the actor; the journal's failure is also in {@link JournalHealth}.
 */
public final class JournalWriteFailedException extends RuntimeException {
    public JournalWriteFailedException(String message) {
        super(message);
    }

    public JournalWriteFailedException(String message, Throwable cause) {
        super(message, cause);
    }
}
