package org.iommusim.protocol.event;

/** F_TRANSL_FORBIDDEN (0x07): a pre-translated (ATS) transaction on a stream that does not accept translated traffic. */
public record FTranslForbidden(Origin origin, Stall stall, AccessAttributes access, WalkInfo walk, long iova)
        implements TranslationFault {
    /**
     * Checks the fields; {@code iova} may be any 64-bit value.
     * @throws NullPointerException if {@code origin}, {@code stall}, {@code access} or {@code walk} is null
     */
    public FTranslForbidden {
        Parts.translation(origin, stall, access, walk);
    }

    @Override
    public EventId id() {
        return EventId.F_TRANSL_FORBIDDEN;
    }
}
