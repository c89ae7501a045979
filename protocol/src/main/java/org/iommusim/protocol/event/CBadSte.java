package org.iommusim.protocol.event;

/** C_BAD_STE (0x04): the stream table entry is invalid or illegally configured. */
public record CBadSte(Origin origin) implements ConfigEvent {
    /**
     * Checks the fields.
     * @throws NullPointerException if {@code origin} is null
     */
    public CBadSte {
        Parts.configuration(origin);
    }

    @Override
    public EventId id() {
        return EventId.C_BAD_STE;
    }
}
