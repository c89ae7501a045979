package org.iommusim.protocol.event;

/** F_WALK_EABT (0x0B): an external abort during a translation table walk. */
public record FWalkEabt(Origin origin, Stall stall, AccessAttributes access, WalkInfo walk, long iova)
        implements TranslationFault {
    /**
     * Checks the fields; {@code iova} may be any 64-bit value.
     * @throws NullPointerException if {@code origin}, {@code stall}, {@code access} or {@code walk} is null
     */
    public FWalkEabt {
        Parts.translation(origin, stall, access, walk);
    }

    @Override
    public EventId id() {
        return EventId.F_WALK_EABT;
    }
}
