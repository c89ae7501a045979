package org.iommusim.protocol.event;

/** F_VMS_FETCH (0x25): an external abort while fetching a virtual machine structure. */
public record FVmsFetch(Origin origin, long fetchAddress) implements FetchAbort {
    public FVmsFetch {
        Parts.fetch(origin, fetchAddress);
    }

    @Override
    public EventId id() {
        return EventId.F_VMS_FETCH;
    }
}
