package org.iommusim.protocol.event;

/** C_BAD_STREAMID (0x02): the StreamID is outside the stream table, or its level-1 descriptor is invalid. */
public record CBadStreamId(Origin origin) implements ConfigEvent {
    /**
     * Checks the fields.
     * @throws NullPointerException if {@code origin} is null
     */
    public CBadStreamId {
        Parts.configuration(origin);
    }

    @Override
    public EventId id() {
        return EventId.C_BAD_STREAMID;
    }
}
