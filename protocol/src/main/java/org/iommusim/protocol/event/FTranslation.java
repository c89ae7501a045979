package org.iommusim.protocol.event;

/** F_TRANSLATION (0x10): no valid translation for the address at the faulting stage. */
public record FTranslation(Origin origin, Stall stall, AccessAttributes access, WalkInfo walk, long iova)
        implements TranslationFault {
    /**
     * Checks the fields; {@code iova} may be any 64-bit value.
     * @throws NullPointerException if {@code origin}, {@code stall}, {@code access} or {@code walk} is null
     */
    public FTranslation {
        Parts.translation(origin, stall, access, walk);
    }

    @Override
    public EventId id() {
        return EventId.F_TRANSLATION;
    }

    /** A terminated (not stalled) stage-1 translation fault on the input address. */
    public static FTranslation stage1(Origin origin, long iova, AccessAttributes access) {
        return new FTranslation(origin, Stall.NONE, access, WalkInfo.stage1(EventClass.INPUT_ADDRESS), iova);
    }
}
