package org.iommusim.protocol.event;

/** F_BAD_ATS_TREQ (0x05): an ATS translation request that is malformed or not allowed. */
public record FBadAtsTreq(Origin origin, Stall stall, AccessAttributes access, WalkInfo walk, long iova)
        implements TranslationFault {
    public FBadAtsTreq {
        Parts.translation(origin, stall, access, walk);
    }

    @Override
    public EventId id() {
        return EventId.F_BAD_ATS_TREQ;
    }
}
