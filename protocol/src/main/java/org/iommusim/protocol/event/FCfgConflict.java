package org.iommusim.protocol.event;

/** F_CFG_CONFLICT (0x21): more than one cached configuration entry matched the transaction. */
public record FCfgConflict(Origin origin) implements ConfigEvent {
    /**
     * Checks the fields.
     * @throws NullPointerException if {@code origin} is null
     */
    public FCfgConflict {
        Parts.configuration(origin);
    }

    @Override
    public EventId id() {
        return EventId.F_CFG_CONFLICT;
    }
}
