package org.iommusim.protocol.event;

/** F_CD_FETCH (0x09): an external abort while fetching a context descriptor. */
public record FCdFetch(Origin origin, long fetchAddress) implements FetchAbort {
    public FCdFetch {
        Parts.fetch(origin, fetchAddress);
    }

    @Override
    public EventId id() {
        return EventId.F_CD_FETCH;
    }
}
