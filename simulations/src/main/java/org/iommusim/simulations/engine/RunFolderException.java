package org.iommusim.simulations.engine;

/**
 * A run folder cannot be used: it is a file, cannot be created or written,
 * is in use by a running simulation, holds an earlier run that may not be
 * replaced, or holds files iommu-sim did not write. The message is one line
 * naming the folder, ready for a command line to print as it is. Nothing a
 * run did not write is ever deleted; only a failure while replacing an
 * earlier run ("cannot replace ...") may leave that run partly deleted.
 */
public final class RunFolderException extends RuntimeException {
    /** @param message one line naming the folder and the problem */
    public RunFolderException(String message) {
        super(message);
    }

    /** @param message one line naming the folder and the problem */
    public RunFolderException(String message, Throwable cause) {
        super(message, cause);
    }
}
