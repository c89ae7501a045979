package org.iommusim.actors.iommufd.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.NavigableMap;
import java.util.TreeMap;
import org.iommusim.actors.iommufd.Ioas;
import org.iommusim.actors.iommufd.PagingHwpt;
import org.iommusim.protocol.domain.MapSegment;

/**
 * The host's bookkeeping for one IOAS: its areas (one per accepted map, as
 * iommufd's {@code iopt_area}s) and the HWPTs filled from it. Whether a map or
 * unmap is allowed is never decided here but by the backing domain's page
 * table; the areas only serve to fill a new HWPT and to invalidate the ranges
 * an unmap removed.
 */
public final class IoasState {
    public final Ioas ioas;
    public final NavigableMap<Long, MapSegment> areas = new TreeMap<>();
    public final List<PagingHwpt> hwpts = new ArrayList<>();
    /**
     * Ranges {@code [from, to)} whose unmap is done in the page tables but whose IOTLB invalidation (TLBI and
     * CMD_SYNC) is still in flight, without the host's monitor: a map or unmap overlapping one waits for it, as
     * iommufd's {@code iova_rwsem} keeps {@code iopt_map_pages} out while {@code iopt_unmap_iova_range} syncs.
     */
    public final List<long[]> unmapsInFlight = new ArrayList<>();

    public IoasState(Ioas ioas) {
        this.ioas = ioas;
    }

    /** Whether {@code [from, from + length)} overlaps a range whose invalidation is in flight. */
    public boolean unmapInFlight(long from, long length) {
        long to = from + length;
        for (long[] r : unmapsInFlight) {
            // unsigned: a range may end at 2^64 (to == 0)
            boolean before = to != 0 && Long.compareUnsigned(to, r[0]) <= 0;
            boolean after = r[1] != 0 && Long.compareUnsigned(from, r[1]) >= 0;
            if (!before && !after) {
                return true;
            }
        }
        return false;
    }

    /** Removes and returns the areas starting in {@code [from, to)}; the page table has checked they lie wholly inside. */
    public List<MapSegment> removeAreas(long from, long toExclusive) {
        NavigableMap<Long, MapSegment> inside = toExclusive == 0 ? areas.tailMap(from, true)
                : areas.subMap(from, true, toExclusive, false);
        List<MapSegment> out = new ArrayList<>(inside.values());
        inside.clear();
        return out;
    }
}
