package org.iommusim.protocol.event;

/** C_BAD_SUBSTREAMID (0x08): the SubstreamID is outside the context descriptor table, or its level-1 descriptor is invalid. */
public record CBadSubstreamId(Origin origin) implements ConfigEvent {
    /**
     * Checks the fields.
     * @throws NullPointerException if {@code origin} is null
     */
    public CBadSubstreamId {
        Parts.configuration(origin);
    }

    @Override
    public EventId id() {
        return EventId.C_BAD_SUBSTREAMID;
    }
}
