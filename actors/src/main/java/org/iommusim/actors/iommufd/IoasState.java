package org.iommusim.actors.iommufd;

import java.util.ArrayList;
import java.util.List;
import java.util.NavigableMap;
import java.util.TreeMap;
import org.iommusim.protocol.domain.MapSegment;

/**
 * The host's bookkeeping for one IOAS: its areas (one per accepted map, as
 * iommufd's {@code iopt_area}s) and the HWPTs filled from it. Whether a map or
 * unmap is allowed is never decided here but by the backing domain's page
 * table; the areas only serve to fill a new HWPT and to invalidate the ranges
 * an unmap removed.
 */
final class IoasState {
    final Ioas ioas;
    final NavigableMap<Long, MapSegment> areas = new TreeMap<>();
    final List<PagingHwpt> hwpts = new ArrayList<>();

    IoasState(Ioas ioas) {
        this.ioas = ioas;
    }

    /** Removes and returns the areas starting in {@code [from, to)}; the page table has checked they lie wholly inside. */
    List<MapSegment> removeAreas(long from, long toExclusive) {
        NavigableMap<Long, MapSegment> inside = toExclusive == 0 ? areas.tailMap(from, true)
                : areas.subMap(from, true, toExclusive, false);
        List<MapSegment> out = new ArrayList<>(inside.values());
        inside.clear();
        return out;
    }
}
