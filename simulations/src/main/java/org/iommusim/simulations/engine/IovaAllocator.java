package org.iommusim.simulations.engine;

import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;

/**
 * Hands out IOVA ranges of a domain, reusing a released range of the same
 * size first (as Linux's IOVA caches do) and only once the driver has
 * released it: after the invalidation covering it completed.
 */
final class IovaAllocator {
    private long next;
    private final long limit;
    private final Map<Long, ArrayDeque<Long>> free = new HashMap<>();

    IovaAllocator(long base, long limit) {
        this.next = base;
        this.limit = limit;
    }

    long allocate(long size) {
        ArrayDeque<Long> q = free.get(size);
        if (q != null && !q.isEmpty()) {
            return q.poll();
        }
        long aligned = (next + size - 1) & -Long.highestOneBit(size);
        if (aligned + size > limit) {
            throw new IllegalStateException("IOVA space exhausted");
        }
        next = aligned + size;
        return aligned;
    }

    void release(long iova, long size) {
        free.computeIfAbsent(size, k -> new ArrayDeque<>()).add(iova);
    }
}
