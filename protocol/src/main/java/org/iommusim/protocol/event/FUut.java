package org.iommusim.protocol.event;

/** F_UUT (0x01): an upstream transaction the SMMU does not support (e.g. an unsupported attribute combination). */
public record FUut(Origin origin, Stall stall, AccessAttributes access, WalkInfo walk, long iova)
        implements TranslationFault {
    /**
     * Checks the fields; {@code iova} may be any 64-bit value.
     * @throws NullPointerException if {@code origin}, {@code stall}, {@code access} or {@code walk} is null
     */
    public FUut {
        Parts.translation(origin, stall, access, walk);
    }

    @Override
    public EventId id() {
        return EventId.F_UUT;
    }
}
