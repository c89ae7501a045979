package org.iommusim.protocol.event;

/** F_PERMISSION (0x13): the translation does not permit this access. */
public record FPermission(Origin origin, Stall stall, AccessAttributes access, WalkInfo walk, long iova)
        implements TranslationFault {
    /**
     * Checks the fields; {@code iova} may be any 64-bit value.
     * @throws NullPointerException if {@code origin}, {@code stall}, {@code access} or {@code walk} is null
     */
    public FPermission {
        Parts.translation(origin, stall, access, walk);
    }

    @Override
    public EventId id() {
        return EventId.F_PERMISSION;
    }

    /**
     * A terminated stage-2 permission fault on an unprivileged data access: the
     * stage-1 result {@code ipa} may not be read or written at stage 2. The
     * record carries the IPA's page (IPA[51:12]); the offset is in {@code iova}.
     */
    public static FPermission stage2(Origin origin, long iova, long ipa, boolean write) {
        return new FPermission(origin, Stall.NONE, write ? AccessAttributes.write() : AccessAttributes.read(),
                WalkInfo.stage2(EventClass.INPUT_ADDRESS, ipa & ~0xFFFL), iova);
    }
}
