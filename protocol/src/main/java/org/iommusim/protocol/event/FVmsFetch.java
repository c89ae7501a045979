package org.iommusim.protocol.event;

/** F_VMS_FETCH (0x25): an external abort while fetching a virtual machine structure. */
public record FVmsFetch(Origin origin, long fetchAddress) implements FetchAbort {
    /**
     * Checks the fields.
     * @throws NullPointerException if {@code origin} is null
     * @throws IllegalArgumentException if {@code fetchAddress} has bits above 51 set
     */
    public FVmsFetch {
        Parts.fetch(origin, fetchAddress);
    }

    @Override
    public EventId id() {
        return EventId.F_VMS_FETCH;
    }
}
