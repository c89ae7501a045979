package org.iommusim.protocol.event;

import org.iommusim.protocol.bits.Bits;

/**
 * The reference §5 bit positions, and the packing of each shared part into and
 * out of its word. The only place that knows where fields live.
 */
final class EventLayout {
    private EventLayout() {}

    // dw0
    static final int TYPE_HI = 7, TYPE_LO = 0;
    static final int SSV = 11;
    static final int SSID_HI = 31, SSID_LO = 12;
    static final int SID_HI = 63, SID_LO = 32;
    // dw1
    static final int STAG_HI = 15, STAG_LO = 0;
    static final int STALL = 31;
    static final int PNU = 33, IND = 34, RNW = 35;
    static final int S2 = 39;
    static final int CLASS_HI = 41, CLASS_LO = 40;
    /** Highest address bit an IPA or fetch address in dw3 may use. */
    static final int ADDRESS_HI = 51;
    /**
     * Lowest bit of the IPA field of a translation fault: the record carries
     * IPA[51:12] (Arm IHI 0070, 7.3.13 F_TRANSLATION and the records that
     * refer to it; Linux's EVTQ_3_IPA is GENMASK(51, 12)), dw3[11:0] are RES0.
     */
    static final int IPA_LO = 12;

    static final long DW0_FIELDS = Bits.mask(TYPE_HI, TYPE_LO) | Bits.put(true, SSV)
            | Bits.mask(SSID_HI, SSID_LO) | Bits.mask(SID_HI, SID_LO);
    static final long DW1_STALL = Bits.mask(STAG_HI, STAG_LO) | Bits.put(true, STALL);
    static final long DW1_ACCESS = Bits.put(true, PNU) | Bits.put(true, IND) | Bits.put(true, RNW);
    static final long DW1_WALK = Bits.put(true, S2) | Bits.mask(CLASS_HI, CLASS_LO);
    static final long DW1_FIELDS = DW1_STALL | DW1_ACCESS | DW1_WALK;
    static final long DW3_ABOVE_ADDRESS = Bits.mask(63, ADDRESS_HI + 1);
    static final long DW3_BELOW_IPA = Bits.mask(IPA_LO - 1, 0);

    /** The dw1 fields a record of this kind carries; any other dw1 bit must be zero. */
    static long dw1Carried(EventKind kind) {
        return switch (kind) {
            case TRANSLATION_FAULT -> DW1_FIELDS;
            case PAGE_REQUEST -> DW1_ACCESS;
            case CONFIGURATION, FETCH_ABORT -> 0L;
        };
    }

    static boolean carriesDw2(EventKind kind) {
        return kind == EventKind.TRANSLATION_FAULT || kind == EventKind.PAGE_REQUEST;
    }

    static boolean carriesDw3(EventKind kind) {
        return kind == EventKind.TRANSLATION_FAULT || kind == EventKind.FETCH_ABORT;
    }

    static long dw0(EventId id, Origin o) {
        return Bits.put(id.code(), TYPE_HI, TYPE_LO)
                | Bits.put(o.ssv(), SSV)
                | Bits.put(o.ssid(), SSID_HI, SSID_LO)
                | Bits.put(o.sidUnsigned(), SID_HI, SID_LO);
    }

    static long dw1(Stall s) {
        return Bits.put(s.stag(), STAG_HI, STAG_LO) | Bits.put(s.stalled(), STALL);
    }

    static long dw1(AccessAttributes a) {
        return Bits.put(a.pnu(), PNU) | Bits.put(a.ind(), IND) | Bits.put(a.rnw(), RNW);
    }

    static long dw1(WalkInfo w) {
        return Bits.put(w.s2(), S2) | Bits.put(w.eventClass().code(), CLASS_HI, CLASS_LO);
    }

    // The readers below assume EventCodec has already rejected values the
    // part records would refuse.

    static Origin origin(long dw0) {
        return new Origin((int) Bits.get(dw0, SID_HI, SID_LO), Bits.bit(dw0, SSV),
                (int) Bits.get(dw0, SSID_HI, SSID_LO));
    }

    static Stall stall(long dw1) {
        return new Stall((int) Bits.get(dw1, STAG_HI, STAG_LO), Bits.bit(dw1, STALL));
    }

    static AccessAttributes access(long dw1) {
        return new AccessAttributes(Bits.bit(dw1, PNU), Bits.bit(dw1, IND), Bits.bit(dw1, RNW));
    }

    static WalkInfo walk(long dw1, long dw3) {
        EventClass c = EventClass.fromCode((int) Bits.get(dw1, CLASS_HI, CLASS_LO)).orElseThrow();
        return new WalkInfo(Bits.bit(dw1, S2), c, dw3);
    }
}
