package org.iommusim.protocol.event;

/** F_TLB_CONFLICT (0x20): more than one TLB entry matched the transaction. */
public record FTlbConflict(Origin origin, Stall stall, AccessAttributes access, WalkInfo walk, long iova)
        implements TranslationFault {
    /**
     * Checks the fields; {@code iova} may be any 64-bit value.
     * @throws NullPointerException if {@code origin}, {@code stall}, {@code access} or {@code walk} is null
     */
    public FTlbConflict {
        Parts.translation(origin, stall, access, walk);
    }

    @Override
    public EventId id() {
        return EventId.F_TLB_CONFLICT;
    }
}
