package org.iommusim.persistence.timing;

import java.util.function.LongUnaryOperator;

/**
 * The link between an SMMU's TBUs and its TCU, in virtual time. A TLB miss
 * sends a translation request from its TBU to the TCU and gets the answer
 * back; each crossing costs {@code crossingNs}. On MMU-600/700 this is the
 * DTI interconnect (AXI4-Stream each way), and the TCU takes at most
 * {@code outstanding} translation requests from all its TBUs together
 * ({@code TCUCFG_XLATE_SLOTS}; a TBU holds a DTI translation token for each
 * request it has sent): a request holds one of them from its sending until
 * its answer is back, so TBUs missing at once queue for the link when all
 * are taken. gem5 models the same: {@code ifc_smmu_lat} and
 * {@code smmu_ifc_lat} (8 cycles each), and the SMMU's {@code xlate_slots}
 * (64) taken by a translation that missed in its TBU. A TLB hit never
 * crosses the link.
 */
public final class TbuTcuLink {
    private final long crossingNs;
    private final SlotPool outstanding;

    public TbuTcuLink(long crossingNs, int outstanding) {
        if (crossingNs < 0) {
            throw new IllegalArgumentException("a link crossing costs >= 0 ns, got " + crossingNs);
        }
        this.crossingNs = crossingNs;
        this.outstanding = new SlotPool(outstanding);
    }

    /**
     * A request ready to leave its TBU at {@code ready}: it waits for a free
     * outstanding slot, crosses to the TCU, is answered there at
     * {@code tcu.applyAsLong(arrival)}, and crosses back. Returns when the
     * answer is back at the TBU; the slot is held from the sending until then.
     */
    public long roundTrip(long ready, LongUnaryOperator tcu) {
        long sent = outstanding.freeAt(ready);
        long answered = tcu.applyAsLong(sent + crossingNs);
        if (answered < sent + crossingNs) {
            throw new IllegalStateException("the TCU answered at " + answered + ", before the request reached it");
        }
        long back = answered + crossingNs;
        // the same slot freeAt chose: nothing else has touched this pool in between
        long start = outstanding.acquire(ready, back - sent);
        if (start != sent) {
            throw new IllegalStateException("link slot taken at " + start + ", expected " + sent);
        }
        return back;
    }

    public long crossingNs() {
        return crossingNs;
    }

    /** The outstanding-transaction slots: how many requests waited for one, and for how long. */
    public SlotPool outstanding() {
        return outstanding;
    }
}
