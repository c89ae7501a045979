package org.iommusim.actors.api;

/**
 * A request the model refused, with the reason in words (the domain error,
 * the queue-full message, the stream refusal...). Thrown by the blocking
 * calls; the asynchronous ones complete exceptionally with it.
 */
public final class ModelException extends RuntimeException {
    private final String kind;

    public ModelException(String kind, String message) {
        super(message);
        this.kind = kind;
    }

    /** A short machine-readable kind, e.g. {@code OVERLAP}, {@code QUEUE_FULL}, {@code UNKNOWN_SMMU}. */
    public String kind() {
        return kind;
    }
}
