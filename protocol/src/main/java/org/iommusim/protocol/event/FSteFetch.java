package org.iommusim.protocol.event;

/** F_STE_FETCH (0x03): an external abort while fetching the stream table entry. */
public record FSteFetch(Origin origin, long fetchAddress) implements FetchAbort {
    /**
     * Checks the fields.
     * @throws NullPointerException if {@code origin} is null
     * @throws IllegalArgumentException if {@code fetchAddress} has bits above 51 set
     */
    public FSteFetch {
        Parts.fetch(origin, fetchAddress);
    }

    @Override
    public EventId id() {
        return EventId.F_STE_FETCH;
    }
}
