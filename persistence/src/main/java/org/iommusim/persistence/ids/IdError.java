package org.iommusim.persistence.ids;

/** Why the allocator refused a request; nothing changed. */
public record IdError(Kind kind, String message) {

    public enum Kind {
        /** The SMMU lacks the stage this kind of id tags. */
        ID_UNSUPPORTED,
        /** Every id the advertised width allows is in use or awaiting its flush. */
        ID_EXHAUSTED,
        /** A release of an id that is not allocated (never, or already released). */
        ID_NOT_IN_USE
    }

    @Override
    public String toString() {
        return kind + ": " + message;
    }
}
