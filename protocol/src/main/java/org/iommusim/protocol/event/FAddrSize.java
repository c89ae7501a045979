package org.iommusim.protocol.event;

/** F_ADDR_SIZE (0x11): an address outside the configured input or output address size. */
public record FAddrSize(Origin origin, Stall stall, AccessAttributes access, WalkInfo walk, long iova)
        implements TranslationFault {
    /**
     * Checks the fields; {@code iova} may be any 64-bit value.
     * @throws NullPointerException if {@code origin}, {@code stall}, {@code access} or {@code walk} is null
     */
    public FAddrSize {
        Parts.translation(origin, stall, access, walk);
    }

    @Override
    public EventId id() {
        return EventId.F_ADDR_SIZE;
    }
}
