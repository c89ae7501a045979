package org.iommusim.persistence.pagetable;

import static org.iommusim.persistence.pagetable.PageTableError.Kind.*;
import static org.iommusim.persistence.pagetable.SegmentChecks.hex;
import static org.iommusim.persistence.pagetable.SegmentChecks.range;

import java.util.List;
import org.iommusim.protocol.domain.UnmapBatch;
import org.iommusim.protocol.domain.UnmapSegment;

/**
 * Decides an unmap batch without touching the table (iommufd semantics: a
 * range may hold whole areas and holes, never part of an area or a block).
 *
 * <p>Only the two ends of a range need looking at: areas are contiguous, so
 * an area crossing the start contains the start address, and the leaf there
 * either straddles the start (a cut block) or starts there without the
 * area-start mark (a cut area); likewise at the end. Ranges removed by
 * earlier elements of the batch count as holes, which is what sequential
 * application would see, because each accepted range removed exactly the
 * leaves inside it.
 */
final class UnmapCheck {
    private UnmapCheck() {}

    static Decision<Unmapped> decide(PageTable table, UnmapBatch batch) {
        TableGeometry geo = table.geometry();
        IntervalSet removed = new IntervalSet();
        List<UnmapSegment> segments = batch.segments();
        for (int index = 0; index < segments.size(); index++) {
            UnmapSegment s = segments.get(index);
            PageTableError error = check(table, geo, removed, index, s);
            if (error != null) {
                return new Decision.Rejected<>(error);
            }
            removed.add(s.iova(), s.iova() + s.size());
        }
        return new Decision.Accepted<>(new Unmapped(segments));
    }

    private static PageTableError check(PageTable table, TableGeometry geo, IntervalSet removed, int index, UnmapSegment s) {
        PageTableError error = SegmentChecks.inputRange(geo, index, s.iova(), s.size(), 0, false);
        if (error != null) {
            return error;
        }
        long start = s.iova();
        long end = start + s.size();
        int[] level = new int[1];
        if (!removed.contains(start)) {
            long d = TableReader.leafAt(geo, table.root(), start, level);
            if (DescriptorFormat.valid(d)) {
                long size = geo.entrySize(level[0]);
                if ((start & (size - 1)) != 0) {
                    return cut(index, start, s, "cuts the " + SegmentChecks.size(size) + " block at " + hex(start & -size));
                }
                if (!DescriptorFormat.areaStart(d)) {
                    return cut(index, start, s, "starts inside an area that began below " + hex(start));
                }
            }
        }
        if (!removed.contains(end - 1)) {
            long d = TableReader.leafAt(geo, table.root(), end - 1, level);
            if (DescriptorFormat.valid(d)) {
                long size = geo.entrySize(level[0]);
                if ((end & (size - 1)) != 0) {
                    return cut(index, end, s, "cuts the " + SegmentChecks.size(size) + " block at " + hex((end - 1) & -size));
                }
                if (!DescriptorFormat.areaEnd(d)) {
                    return cut(index, end, s, "ends inside an area that continues at " + hex(end));
                }
            }
        }
        boolean anything = removed.anyGap(start, end,
                (from, to) -> TableReader.firstMapped(geo, table.root(), from, to) >= 0);
        if (!anything) {
            return PageTableError.of(NOT_MAPPED, index, start, "unmap " + range(start, s.size()) + " covers no mapping");
        }
        return null;
    }

    private static PageTableError cut(int index, long at, UnmapSegment s, String why) {
        return PageTableError.of(PARTIAL_UNMAP, index, at, "unmap " + range(s.iova(), s.size()) + " " + why
                + "; unmap must cover whole areas and blocks");
    }
}
