package org.iommusim.protocol.event;

import org.iommusim.protocol.bits.TextLine;

/**
 * A fault on a transaction's translation. These carry every §5 field: origin,
 * stall state, access attributes, stage and class, the input address (dw2)
 * and, for stage-2 faults, the IPA (dw3).
 */
public sealed interface TranslationFault extends SmmuEvent
        permits FUut, FBadAtsTreq, FTranslForbidden, FWalkEabt, FTranslation,
                FAddrSize, FAccess, FPermission, FTlbConflict {

    /**
     * Whether the transaction is stalled, and its tag.
     * @return the STALL and STAG fields, {@link Stall#NONE} when terminated
     */
    Stall stall();

    /**
     * What the transaction was.
     * @return its PnU, InD and RnW attributes
     */
    AccessAttributes access();

    /**
     * Where in translation the fault arose.
     * @return the stage, class and (stage 2 only) IPA
     */
    WalkInfo walk();

    /** The input address of the transaction (dw2, all 64 bits). */
    long iova();

    @Override
    default RawEvent encode() {
        return new RawEvent(
                EventLayout.dw0(id(), origin()),
                EventLayout.dw1(stall()) | EventLayout.dw1(access()) | EventLayout.dw1(walk()),
                iova(),
                walk().ipa());
    }

    @Override
    default String toText() {
        TextLine line = origin().addTo(TextLine.of(id().referenceName()))
                .hex("stag", stall().stag())
                .flag("stall", stall().stalled());
        return access().addTo(line)
                .flag("s2", walk().s2())
                .word("class", walk().eventClass().name())
                .hex("iova", iova())
                .hex("ipa", walk().ipa())
                .toString();
    }
}
