package org.iommusim.protocol.event;

/** F_ACCESS (0x12): an access flag fault. */
public record FAccess(Origin origin, Stall stall, AccessAttributes access, WalkInfo walk, long iova)
        implements TranslationFault {
    public FAccess {
        Parts.translation(origin, stall, access, walk);
    }

    @Override
    public EventId id() {
        return EventId.F_ACCESS;
    }
}
