package org.iommusim.protocol.event;

/** F_WALK_EABT (0x0B): an external abort during a translation table walk. */
public record FWalkEabt(Origin origin, Stall stall, AccessAttributes access, WalkInfo walk, long iova)
        implements TranslationFault {
    public FWalkEabt {
        Parts.translation(origin, stall, access, walk);
    }

    @Override
    public EventId id() {
        return EventId.F_WALK_EABT;
    }
}
