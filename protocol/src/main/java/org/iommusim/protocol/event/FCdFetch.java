package org.iommusim.protocol.event;

/** F_CD_FETCH (0x09): an external abort while fetching a context descriptor. */
public record FCdFetch(Origin origin, long fetchAddress) implements FetchAbort {
    /**
     * Checks the fields.
     * @throws NullPointerException if {@code origin} is null
     * @throws IllegalArgumentException if {@code fetchAddress} has bits above 51 set
     */
    public FCdFetch {
        Parts.fetch(origin, fetchAddress);
    }

    @Override
    public EventId id() {
        return EventId.F_CD_FETCH;
    }
}
