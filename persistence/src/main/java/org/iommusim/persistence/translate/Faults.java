package org.iommusim.persistence.translate;

import org.iommusim.persistence.pagetable.WalkResult;
import org.iommusim.protocol.event.AccessAttributes;
import org.iommusim.protocol.event.FAccess;
import org.iommusim.protocol.event.EventClass;
import org.iommusim.protocol.event.FAddrSize;
import org.iommusim.protocol.event.FPermission;
import org.iommusim.protocol.event.FTranslation;
import org.iommusim.protocol.event.FWalkEabt;
import org.iommusim.protocol.event.Origin;
import org.iommusim.protocol.event.SmmuEvent;
import org.iommusim.protocol.event.Stall;
import org.iommusim.protocol.event.WalkInfo;
import org.iommusim.protocol.translate.Access;
import org.iommusim.protocol.translate.TranslationRequest;

/**
 * The fault records translation produces, with the fields the hardware
 * sets: RnW and InD from the access, PnU from the privilege, S2 and the IPA
 * for faults in stage 2 (CLASS=INPUT_ADDRESS, but CLASS=CD / TT for a nested
 * stream's CD and table reads that stage 2 refuses: {@link DescriptorFetch}). A walk ends in
 * F_TRANSLATION (no valid descriptor, or an input beyond the table's TxSZ
 * range) or F_ACCESS (a leaf with AF=0 and no hardware AF update); F_ADDR_SIZE is only the stage-1 check of an input that bypasses
 * stage 1 (the model's tables cannot output beyond their own OAS).
 */
final class Faults {
    private Faults() {}

    /** The record's IPA field is IPA[51:12] (Arm IHI 0070, 7.3.13 F_TRANSLATION): the page, not the byte. */
    private static final long IPA_FIELD = ((1L << 52) - 1) & ~0xFFFL;

    static AccessAttributes attributes(TranslationRequest r) {
        return new AccessAttributes(r.privileged(), r.access() == Access.EXEC, r.access() != Access.WRITE);
    }

    static Origin origin(TranslationRequest r) {
        return new Origin(r.sid(), r.ssv(), r.ssid());
    }

    static WalkInfo stage1() {
        return WalkInfo.stage1(EventClass.INPUT_ADDRESS);
    }

    static WalkInfo stage2(long ipa) {
        return WalkInfo.stage2(EventClass.INPUT_ADDRESS, ipa & IPA_FIELD);
    }

    /** A stage-2 fault on a descriptor read of class {@code c} (CD fetch or table walk) at {@code ipa}. */
    static WalkInfo stage2(EventClass c, long ipa) {
        return WalkInfo.stage2(c, ipa & IPA_FIELD);
    }

    static SmmuEvent walk(TranslationRequest r, WalkResult.WalkFault f, WalkInfo where) {
        return f.kind() == WalkResult.WalkFault.Kind.ACCESS
                ? new FAccess(origin(r), Stall.NONE, attributes(r), where, r.iova())
                : new FTranslation(origin(r), Stall.NONE, attributes(r), where, r.iova());
    }

    /**
     * A stage-1 Address Size fault on the input itself (CLASS=IN, S2=0): an
     * input that bypasses stage 1 is beyond the IAS, or bypasses both stages
     * beyond the OAS (Arm IHI 0070, 3.4 and 7.3.14 F_ADDR_SIZE).
     */
    static SmmuEvent addressSize(TranslationRequest r) {
        return new FAddrSize(origin(r), Stall.NONE, attributes(r), stage1(), r.iova());
    }

    /**
     * An external abort on a stage-1 descriptor read (the guest memory refused it): F_WALK_EABT, CLASS=TT,
     * S2=0 (the stage-2 translation of the read succeeded; the read itself failed; Arm IHI 0070, 7.3.11).
     */
    static SmmuEvent externalAbort(TranslationRequest r) {
        return new FWalkEabt(origin(r), Stall.NONE, attributes(r), WalkInfo.stage1(EventClass.TABLE_WALK), r.iova());
    }

    static SmmuEvent permission(TranslationRequest r, WalkInfo where) {
        return new FPermission(origin(r), Stall.NONE, attributes(r), where, r.iova());
    }
}
