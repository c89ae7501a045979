package org.iommusim.protocol.event;

import java.util.Objects;
import org.iommusim.protocol.bits.Bits;

/**
 * Where in translation a fault arose: the stage (S2, dw1[39]), what was being
 * accessed (CLASS, dw1[41:40]) and, for stage-2 faults, the IPA (dw3).
 *
 * <p>The IPA is kept as the whole dw3 value: the record's field is IPA[51:12]
 * (Arm IHI 0070, 7.3.13 F_TRANSLATION), so it may use neither bits above 51
 * (the largest IPA size) nor bits [11:0] (RES0; the page of the IPA, the
 * offset is in the input address). An IPA only exists for a stage-2 fault,
 * so it must be zero when S2 is clear.
 */
public record WalkInfo(boolean s2, EventClass eventClass, long ipa) {
    /**
     * Checks the fields.
     * @throws NullPointerException if {@code eventClass} is null
     * @throws IllegalArgumentException if {@code ipa} has bits above 51 or below 12 set, or is not zero while
     *        {@code s2} is clear
     */
    public WalkInfo {
        Objects.requireNonNull(eventClass, "eventClass");
        Bits.requireAddress("ipa", ipa, EventLayout.ADDRESS_HI, EventLayout.IPA_LO);
        if (!s2 && ipa != 0) {
            throw new IllegalArgumentException("ipa=0x" + Long.toHexString(ipa) + " requires s2=1");
        }
    }

    /** A stage-1 fault. */
    public static WalkInfo stage1(EventClass eventClass) {
        return new WalkInfo(false, eventClass, 0);
    }

    /** A stage-2 fault at this IPA (its page: bits [11:0] must be clear). */
    public static WalkInfo stage2(EventClass eventClass, long ipa) {
        return new WalkInfo(true, eventClass, ipa);
    }
}
