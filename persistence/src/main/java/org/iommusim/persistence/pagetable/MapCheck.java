package org.iommusim.persistence.pagetable;

import static org.iommusim.persistence.pagetable.PageTableError.Kind.*;
import static org.iommusim.persistence.pagetable.SegmentChecks.hex;
import static org.iommusim.persistence.pagetable.SegmentChecks.range;

import java.util.List;
import org.iommusim.protocol.domain.MapBatch;
import org.iommusim.protocol.domain.MapSegment;

/**
 * Decides a map batch without touching the table: each element is checked
 * against the table and against the elements before it, so the answer is
 * the one sequential application would give.
 */
final class MapCheck {
    private MapCheck() {}

    static Decision<Mapped> decide(PageTable table, MapBatch batch) {
        TableGeometry geo = table.geometry();
        IntervalSet earlier = new IntervalSet();
        List<MapSegment> segments = batch.segments();
        for (int index = 0; index < segments.size(); index++) {
            MapSegment s = segments.get(index);
            PageTableError error = check(table, geo, earlier, index, s);
            if (error != null) {
                return new Decision.Rejected<>(error);
            }
            earlier.add(s.iova(), s.iova() + s.size());
        }
        return new Decision.Accepted<>(new Mapped(segments));
    }

    private static PageTableError check(PageTable table, TableGeometry geo, IntervalSet earlier, int index, MapSegment s) {
        if (s.size() != 0 && !StagePermissions.grantsAccess(s.prot())) {
            return PageTableError.of(NO_ACCESS, index, s.iova(),
                    "prot " + s.prot() + " grants neither READ nor WRITE; a map must grant some access");
        }
        PageTableError error = SegmentChecks.inputRange(geo, index, s.iova(), s.size(), s.pa(), true);
        if (error == null) {
            error = SegmentChecks.outputRange(geo, index, s.pa(), s.size());
        }
        if (error != null) {
            return error;
        }
        long end = s.iova() + s.size();
        long inTable = TableReader.firstMapped(geo, table.root(), s.iova(), end);
        long inBatch = earlier.firstOverlap(s.iova(), end);
        if (inTable < 0 && inBatch < 0) {
            return null;
        }
        boolean tableFirst = inBatch < 0 || (inTable >= 0 && inTable <= inBatch);
        long at = tableFirst ? inTable : inBatch;
        return PageTableError.of(OVERLAP, index, at, "map " + range(s.iova(), s.size()) + " overlaps "
                + (tableFirst ? "an existing mapping" : "an earlier segment of the same batch") + " at " + hex(at));
    }
}
