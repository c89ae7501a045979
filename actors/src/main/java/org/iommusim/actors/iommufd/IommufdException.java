package org.iommusim.actors.iommufd;

/**
 * A refused iommufd-style request: the errno Linux would return and the
 * reason in words. Nothing the request would have changed has changed.
 */
public final class IommufdException extends RuntimeException {
    private final Errno errno;
    private final String reason;

    /** Creates a refusal with {@code errno} and a reason naming what was wrong. */
    public IommufdException(Errno errno, String reason) {
        super(errno + ": " + reason);
        this.errno = errno;
        this.reason = reason;
    }

    /** The errno Linux's iommufd would return for this request. */
    public Errno errno() {
        return errno;
    }

    /** What was wrong, in words. */
    public String reason() {
        return reason;
    }
}
