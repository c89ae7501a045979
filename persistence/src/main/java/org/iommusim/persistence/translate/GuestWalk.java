package org.iommusim.persistence.translate;

import org.iommusim.persistence.iotlb.IotlbEntry;
import org.iommusim.persistence.pagetable.MemoryTableWalk;
import org.iommusim.persistence.pagetable.WalkResult;
import org.iommusim.protocol.event.EventClass;
import org.iommusim.protocol.event.SmmuEvent;
import org.iommusim.protocol.translate.TranslationRequest;

/**
 * The nested walk of a stream whose CD puts its stage-1 tables in guest memory: stage 1 read from the guest's
 * descriptors ({@link MemoryTableWalk}, every table IPA through stage 2 directly; through the TCU's stage-1 walk
 * caches, {@link org.iommusim.persistence.tcu.Tcu#guestWalk}, when there is a TCU), then the stage-2 walk of
 * the output IPA through the TCU as for any nested stream. A stage-2 refusal of a descriptor read is that
 * stage-2 fault with CLASS=TT and the descriptor's IPA; a read the memory refuses is F_WALK_EABT.
 */
final class GuestWalk {
    private GuestWalk() {}

    static TranslationEngine.Walk walk(TranslationRequest r, StreamContext.Translate t, TranslationEngine.Reads reads) {
        StreamContext.Fetches f = t.fetches();
        if (f.epd0()) {
            // CD.EPD0: no walk through TTB0; the miss is a stage-1 Translation fault at the start level
            if (reads.tally != null) {
                reads.tally.guestWalkCacheHit = -1;
            }
            return new TranslationEngine.Walk(null, Faults.walk(r,
                    WalkResult.WalkFault.of(WalkResult.WalkFault.Kind.TRANSLATION, t.s1().startLevel()),
                    Faults.stage1()), 0, java.util.List.of());
        }
        // through the TCU's stage-1 walk caches when there is a TCU
        MemoryTableWalk.Result g = reads.tcu() != null
                ? reads.tcu().guestWalk(t.vmid(), t.asid(), t.s1(), t.s2(), f.ttb0(), r.iova(),
                        t.faults().hardwareAfS1(), t.faults().hardwareAfS2(), f.guest(), reads.tally)
                : MemoryTableWalk.walk(t.s1(), t.s2(), f.ttb0(), r.iova(), t.faults().hardwareAfS1(),
                        t.faults().hardwareAfS2(), f.guest());
        int s2Depth = 4 - t.s2().startLevel();
        int n1 = g.reads().size();
        if (g instanceof MemoryTableWalk.FetchFault ff) {
            SmmuEvent e = ff.fault() == null
                    ? Faults.permission(r, Faults.stage2(EventClass.TABLE_WALK, ff.ipa()))
                    : Faults.walk(r, ff.fault(), Faults.stage2(EventClass.TABLE_WALK, ff.ipa()));
            return new TranslationEngine.Walk(null, e, n1 * (s2Depth + 1) + s2Depth, g.reads());
        }
        if (g instanceof MemoryTableWalk.ExternalAbort) {
            return new TranslationEngine.Walk(null, Faults.externalAbort(r), (n1 + 1) * (s2Depth + 1), g.reads());
        }
        WalkResult w1 = ((MemoryTableWalk.Walked) g).stage1();
        if (w1 instanceof WalkResult.WalkFault wf) {
            return new TranslationEngine.Walk(null, Faults.walk(r, wf, Faults.stage1()), n1 * (s2Depth + 1),
                    g.reads());
        }
        WalkResult.Leaf l1 = (WalkResult.Leaf) w1;
        long ipa = l1.outputAddress();
        WalkResult w2 = reads.walk(2, t.vmid(), IotlbEntry.NO_ASID, t.s2(), ipa, t.faults().hardwareAfS2());
        int steps = n1 * (s2Depth + 1) + reads.last;
        if (w2 instanceof WalkResult.WalkFault wf) {
            return new TranslationEngine.Walk(null, Faults.walk(r, wf, Faults.stage2(ipa)), steps, g.reads());
        }
        WalkResult.Leaf l2 = (WalkResult.Leaf) w2;
        long size = Math.min(l1.size(), l2.size());
        long offset = r.iova() & (size - 1);
        return new TranslationEngine.Walk(IotlbEntry.nested(t.vmid(), t.asid(), r.iova() - offset, size,
                t.s1().spec().granule(), l1.level(), l2.outputAddress() - offset, l1.perms(), l2.perms()), null, steps,
                g.reads(), ipa);
    }

    /**
     * The IPA a cached nested entry's stage 1 gives {@code iova}, for a stage-2 permission fault record: the
     * guest's tables read again (0 when they no longer map it or cannot be read).
     */
    static long ipaOf(StreamContext.Translate t, long iova) {
        StreamContext.Fetches f = t.fetches();
        if (f.epd0()) {
            return 0;
        }
        MemoryTableWalk.Result g = MemoryTableWalk.walk(t.s1(), t.s2(), f.ttb0(), iova, true,
                t.faults().hardwareAfS2(), f.guest());
        return g instanceof MemoryTableWalk.Walked w && w.stage1() instanceof WalkResult.Leaf l ? l.outputAddress() : 0;
    }
}
