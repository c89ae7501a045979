package org.iommusim.protocol.event;

/** F_STE_FETCH (0x03): an external abort while fetching the stream table entry. */
public record FSteFetch(Origin origin, long fetchAddress) implements FetchAbort {
    public FSteFetch {
        Parts.fetch(origin, fetchAddress);
    }

    @Override
    public EventId id() {
        return EventId.F_STE_FETCH;
    }
}
