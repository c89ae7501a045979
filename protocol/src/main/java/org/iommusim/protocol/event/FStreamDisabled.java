package org.iommusim.protocol.event;

/** F_STREAM_DISABLED (0x06): the stream's configuration refuses this kind of traffic (e.g. no substream given where the STE requires one). */
public record FStreamDisabled(Origin origin) implements ConfigEvent {
    /**
     * Checks the fields.
     * @throws NullPointerException if {@code origin} is null
     */
    public FStreamDisabled {
        Parts.configuration(origin);
    }

    @Override
    public EventId id() {
        return EventId.F_STREAM_DISABLED;
    }
}
