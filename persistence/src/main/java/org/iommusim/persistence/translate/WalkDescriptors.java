package org.iommusim.persistence.translate;

import java.util.ArrayList;
import java.util.List;
import org.iommusim.persistence.iotlb.IotlbEntry;
import org.iommusim.persistence.pagetable.MemoryTableWalk;
import org.iommusim.persistence.pagetable.PageTable;
import org.iommusim.persistence.tcu.WalkTrace;
import org.iommusim.protocol.translate.DescriptorRead;
import org.iommusim.protocol.translate.WalkDetail;

/**
 * A traced translation's walk as the descriptors it read ({@link WalkDetail}), in the order the count
 * {@link Outcome#walkSteps()} charges them: each stage walk from the level its walk-cache hit let it start
 * at; in a nested walk, before each stage-1 descriptor, the stage-2 reads that translate its IPA (the full
 * stage-2 depth, uncached, as {@link TranslationEngine} counts them). The tables are objects, so a
 * descriptor is named by its table page's identity and index; an address is given where the model places
 * tables at addresses (a nested stream's stage-1 tables when the CD gives TTB0; see {@link DescriptorFetch}).
 */
final class WalkDescriptors {
    private WalkDescriptors() {}

    static WalkDetail of(StreamContext.Translate t, WalkTrace trace) {
        return of(t, trace, null, -1);
    }

    /**
     * With {@code guestReads} (a walk of guest tables: its stage-1 reads from guest memory, which the trace
     * does not hold), each named by its IPA and index, table page unknown (-1), after the stage-2 walk of that
     * IPA; the trace then holds only the final stage-2 walk. {@code guestHit1}: the stage-1 walk-cache level
     * such a walk resumed below (-1: none, or not a guest walk).
     */
    static WalkDetail of(StreamContext.Translate t, WalkTrace trace, List<MemoryTableWalk.Read> guestReads,
            int guestHit1) {
        List<DescriptorRead> out = new ArrayList<>();
        if (guestReads != null) {
            long granule = t.s1().spec().granule().pageSize();
            for (MemoryTableWalk.Read g : guestReads) {
                stage2Reads(t.s2(), g.ipa(), out);
                out.add(new DescriptorRead(1, g.level(), -1, (int) ((g.ipa() & (granule - 1)) >>> 3), g.ipa()));
            }
        }
        int hit1 = guestReads != null ? guestHit1 : -1;
        int hit2 = -1;
        boolean ipaHit = false;
        boolean nested = t.kind() == IotlbEntry.Kind.NESTED;
        long ttb0 = nested && t.fetches() != null ? t.fetches().ttb0() : -1;
        for (WalkTrace.StageWalk w : trace.walks()) {
            PageTable table = w.stage() == 1 ? t.s1() : t.s2();
            if (w.stage() == 1) {
                hit1 = w.walkCacheHitLevel();
            } else {
                hit2 = w.walkCacheHitLevel();
                ipaHit |= w.ipaCacheHit();
            }
            for (int level = w.fromLevel(); level <= w.toLevel(); level++) {
                long id = level == w.fromLevel() ? w.fromTable() : table.tableIdAt(level, w.input());
                int index = table.descriptorIndex(level, w.input());
                long address = -1;
                if (w.stage() == 1 && nested) {
                    if (ttb0 != -1 && id >= 0) {
                        address = ttb0 + id * t.s1().spec().granule().pageSize() + index * 8L;
                    }
                    stage2Reads(t.s2(), address, out);
                }
                out.add(new DescriptorRead(w.stage(), level, id, index, address));
            }
        }
        return new WalkDetail(hit1, hit2, ipaHit, out);
    }

    /** The stage-2 walk of a stage-1 descriptor's IPA ({@code ipa}: -1 when the model does not know it). */
    private static void stage2Reads(PageTable s2, long ipa, List<DescriptorRead> out) {
        for (int level = s2.startLevel(); level <= 3; level++) {
            boolean known = ipa != -1 && s2.inRange(ipa);
            long id = known ? s2.tableIdAt(level, ipa) : -1;
            int index = known && id != -1 ? s2.descriptorIndex(level, ipa) : -1;
            out.add(new DescriptorRead(2, level, id, index, -1));
        }
    }
}
