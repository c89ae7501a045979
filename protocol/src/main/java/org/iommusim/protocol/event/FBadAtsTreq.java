package org.iommusim.protocol.event;

/** F_BAD_ATS_TREQ (0x05): an ATS translation request that is malformed or not allowed. */
public record FBadAtsTreq(Origin origin, Stall stall, AccessAttributes access, WalkInfo walk, long iova)
        implements TranslationFault {
    /**
     * Checks the fields; {@code iova} may be any 64-bit value.
     * @throws NullPointerException if {@code origin}, {@code stall}, {@code access} or {@code walk} is null
     */
    public FBadAtsTreq {
        Parts.translation(origin, stall, access, walk);
    }

    @Override
    public EventId id() {
        return EventId.F_BAD_ATS_TREQ;
    }
}
