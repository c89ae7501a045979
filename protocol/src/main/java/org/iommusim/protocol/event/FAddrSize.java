package org.iommusim.protocol.event;

/** F_ADDR_SIZE (0x11): an address outside the configured input or output address size. */
public record FAddrSize(Origin origin, Stall stall, AccessAttributes access, WalkInfo walk, long iova)
        implements TranslationFault {
    public FAddrSize {
        Parts.translation(origin, stall, access, walk);
    }

    @Override
    public EventId id() {
        return EventId.F_ADDR_SIZE;
    }
}
