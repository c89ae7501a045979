package org.iommusim.persistence.pagetable;

import java.util.Map;
import java.util.TreeMap;

/**
 * Disjoint half-open ranges: what earlier elements of a batch claimed, so a
 * decision can see their effect without touching the table.
 */
final class IntervalSet {
    private final TreeMap<Long, Long> ranges = new TreeMap<>();

    /**
     * Adds [start, end), merged with every range it overlaps or touches, so the
     * ranges stay disjoint: a lookup by the floor entry alone would otherwise
     * miss a wide range added after a narrower one inside it.
     */
    void add(long start, long end) {
        long from = start;
        long to = end;
        Map.Entry<Long, Long> below = ranges.floorEntry(start);
        if (below != null && below.getValue() >= start) {
            from = below.getKey();
            to = Math.max(to, below.getValue());
            ranges.remove(below.getKey());
        }
        for (Map.Entry<Long, Long> next = ranges.ceilingEntry(from); next != null && next.getKey() <= to;
                next = ranges.ceilingEntry(from)) {
            to = Math.max(to, next.getValue());
            ranges.remove(next.getKey());
        }
        ranges.put(from, to);
    }

    boolean contains(long address) {
        Map.Entry<Long, Long> f = ranges.floorEntry(address);
        return f != null && f.getValue() > address;
    }

    /** The lowest address of [start, end) inside the set, or -1. */
    long firstOverlap(long start, long end) {
        if (contains(start)) {
            return start;
        }
        Map.Entry<Long, Long> c = ranges.ceilingEntry(start);
        return c != null && c.getKey() < end ? c.getKey() : -1;
    }

    /** The end of the run of ranges covering {@code address} (ranges may touch). */
    private long endOfRun(long address) {
        long at = address;
        Map.Entry<Long, Long> f;
        while ((f = ranges.floorEntry(at)) != null && f.getValue() > at) {
            at = f.getValue();
        }
        return at;
    }

    /** Calls {@code gap} for each part of [start, end) outside the set, lowest first, until it returns true. */
    boolean anyGap(long start, long end, RangePredicate gap) {
        long at = start;
        while (at < end) {
            at = endOfRun(at);
            if (at >= end) {
                return false;
            }
            Map.Entry<Long, Long> c = ranges.higherEntry(at);
            long gapEnd = c == null ? end : Math.min(end, c.getKey());
            if (gap.test(at, gapEnd)) {
                return true;
            }
            at = gapEnd;
        }
        return false;
    }

    @FunctionalInterface
    interface RangePredicate {
        boolean test(long start, long end);
    }
}
