package org.iommusim.protocol.event;

/** F_TLB_CONFLICT (0x20): more than one TLB entry matched the transaction. */
public record FTlbConflict(Origin origin, Stall stall, AccessAttributes access, WalkInfo walk, long iova)
        implements TranslationFault {
    public FTlbConflict {
        Parts.translation(origin, stall, access, walk);
    }

    @Override
    public EventId id() {
        return EventId.F_TLB_CONFLICT;
    }
}
