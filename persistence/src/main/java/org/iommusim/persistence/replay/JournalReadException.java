package org.iommusim.persistence.replay;

/**
 * A recorded journal cannot be read: missing, not a journal, held by another
 * process, or corrupt. The message is one line naming the path or record, so a
 * command line can print it as it is.
 */
public class JournalReadException extends RuntimeException {
    public JournalReadException(String message) {
        super(message);
    }

    public JournalReadException(String message, Throwable cause) {
        super(message, cause);
    }
}
