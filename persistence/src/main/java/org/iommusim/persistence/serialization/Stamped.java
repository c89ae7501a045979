package org.iommusim.persistence.serialization;

/**
 * The journal form of an event with its {@link CausalStamp}: one envelope for
 * every entity's events, so that no event record carries the stamp itself.
 * The serializer writes it under the event's manifest prefixed with
 * {@value #PREFIX}; a journal written before stamps has bare manifests, and
 * its events read back without one.
 */
public record Stamped(CausalStamp stamp, Object event) implements JournalSerializable {
    /** Prefix of a stamped event's manifest: {@code @D.T} is a stamped {@code D.T}. */
    public static final String PREFIX = "@";

    public Stamped {
        if (stamp == null || event == null || event instanceof Stamped) {
            throw new IllegalArgumentException("a stamped event needs a stamp and one unstamped event");
        }
    }

    public static boolean isStamped(String manifest) {
        return manifest.startsWith(PREFIX);
    }
}
