package org.iommusim.persistence.pagetable;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;
import org.iommusim.protocol.domain.Prot;
import org.iommusim.protocol.translate.Perms;

/**
 * The page table's meaning written the dumbest way: one entry per 4K page,
 * each remembering its output, its permissions and which map segment (area)
 * created it. Shares nothing with the implementation, including the stage
 * permission rule, which is spelled out here again.
 */
final class ReferenceModel {
    static final long PAGE4K = 0x1000;

    record Page(long pa, Perms perms, int area) {}

    record Failure(PageTableError.Kind kind, int index, long address) {}

    /** A batch element: pa and prot are ignored for unmap. */
    record Seg(long iova, long pa, long size, int prot) {}

    private final boolean stage2;
    private final long granulePage;
    private final long inputLimit;
    private final long outputLimit;
    final TreeMap<Long, Page> pages = new TreeMap<>();
    private final Map<Integer, long[]> areas = new HashMap<>();
    private int nextArea;

    ReferenceModel(boolean stage2, long granulePage, int ias, int oas) {
        this.stage2 = stage2;
        this.granulePage = granulePage;
        this.inputLimit = 1L << ias;
        this.outputLimit = 1L << oas;
    }

    /** The stage rule, written out from the reference text rather than shared with the code under test. */
    Perms perms(int prot) {
        boolean r = (prot & Prot.READ) != 0, w = (prot & Prot.WRITE) != 0;
        boolean x = (prot & Prot.NOEXEC) == 0, priv = (prot & Prot.PRIV) != 0;
        if (stage2) {
            return new Perms(r, w, x, true);
        }
        return new Perms(true, w, x, !priv);
    }

    /** Applies the batch in order; on a failure undoes the elements before it and says why. */
    Failure map(List<Seg> batch) {
        List<Long> added = new ArrayList<>();
        List<Integer> newAreas = new ArrayList<>();
        for (int i = 0; i < batch.size(); i++) {
            Seg s = batch.get(i);
            Failure f = mapOne(i, s);
            if (f != null) {
                added.forEach(pages::remove);
                newAreas.forEach(areas::remove);
                return f;
            }
            int area = nextArea++;
            areas.put(area, new long[] {s.iova(), s.iova() + s.size()});
            newAreas.add(area);
            for (long off = 0; off < s.size(); off += PAGE4K) {
                pages.put((s.iova() + off) / PAGE4K, new Page(s.pa() + off, perms(s.prot()), area));
                added.add((s.iova() + off) / PAGE4K);
            }
        }
        return null;
    }

    private Failure mapOne(int i, Seg s) {
        if (s.size() == 0) return new Failure(PageTableError.Kind.ZERO_SIZE, i, s.iova());
        if ((s.prot() & (Prot.READ | Prot.WRITE)) == 0) return new Failure(PageTableError.Kind.NO_ACCESS, i, s.iova());
        if (s.iova() % granulePage != 0) return new Failure(PageTableError.Kind.MISALIGNED, i, s.iova());
        if (s.pa() % granulePage != 0) return new Failure(PageTableError.Kind.MISALIGNED, i, s.pa());
        if (s.size() % granulePage != 0) return new Failure(PageTableError.Kind.MISALIGNED, i, s.iova() + s.size());
        if (s.iova() + s.size() > inputLimit) return new Failure(PageTableError.Kind.IOVA_BEYOND_IAS, i, Math.max(s.iova(), inputLimit));
        if (s.pa() + s.size() > outputLimit) return new Failure(PageTableError.Kind.PA_BEYOND_OAS, i, Math.max(s.pa(), outputLimit));
        NavigableMap<Long, Page> hit = pages.subMap(s.iova() / PAGE4K, true, (s.iova() + s.size()) / PAGE4K, false);
        if (!hit.isEmpty()) return new Failure(PageTableError.Kind.OVERLAP, i, hit.firstKey() * PAGE4K);
        return null;
    }

    Failure unmap(List<Seg> batch) {
        Map<Long, Page> removedPages = new HashMap<>();
        Map<Integer, long[]> removedAreas = new HashMap<>();
        for (int i = 0; i < batch.size(); i++) {
            Seg s = batch.get(i);
            Failure f = unmapOne(i, s);
            if (f != null) {
                pages.putAll(removedPages);
                areas.putAll(removedAreas);
                return f;
            }
            NavigableMap<Long, Page> hit = pages.subMap(s.iova() / PAGE4K, true, (s.iova() + s.size()) / PAGE4K, false);
            for (Map.Entry<Long, Page> e : hit.entrySet()) {
                removedPages.put(e.getKey(), e.getValue());
                long[] area = areas.remove(e.getValue().area());
                if (area != null) {
                    removedAreas.put(e.getValue().area(), area);
                }
            }
            hit.clear();
        }
        return null;
    }

    private Failure unmapOne(int i, Seg s) {
        if (s.size() == 0) return new Failure(PageTableError.Kind.ZERO_SIZE, i, s.iova());
        if (s.iova() % granulePage != 0) return new Failure(PageTableError.Kind.MISALIGNED, i, s.iova());
        if (s.size() % granulePage != 0) return new Failure(PageTableError.Kind.MISALIGNED, i, s.iova() + s.size());
        if (s.iova() + s.size() > inputLimit) return new Failure(PageTableError.Kind.IOVA_BEYOND_IAS, i, Math.max(s.iova(), inputLimit));
        long start = s.iova(), end = s.iova() + s.size();
        NavigableMap<Long, Page> hit = pages.subMap(start / PAGE4K, true, end / PAGE4K, false);
        if (hit.isEmpty()) return new Failure(PageTableError.Kind.NOT_MAPPED, i, start);
        boolean cutsStart = false, cutsEnd = false;
        for (Page p : hit.values()) {
            long[] area = areas.get(p.area());
            cutsStart |= area[0] < start;
            cutsEnd |= area[1] > end;
        }
        if (cutsStart) return new Failure(PageTableError.Kind.PARTIAL_UNMAP, i, start);
        if (cutsEnd) return new Failure(PageTableError.Kind.PARTIAL_UNMAP, i, end);
        return null;
    }
}
