package org.iommusim.protocol.event;

/** C_BAD_CD (0x0A): the context descriptor is invalid or illegally configured. */
public record CBadCd(Origin origin) implements ConfigEvent {
    /**
     * Checks the fields.
     * @throws NullPointerException if {@code origin} is null
     */
    public CBadCd {
        Parts.configuration(origin);
    }

    @Override
    public EventId id() {
        return EventId.C_BAD_CD;
    }
}
