package org.iommusim.simulations.engine;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Hands out IOVA ranges of a domain as Linux's IOVA allocator does
 * ({@code drivers/iommu/iova.c}, {@code alloc_iova_fast}):
 * <ul>
 *   <li>a request below {@link #RCACHE_MAX_ORDER} pages' order is rounded up to a power of two pages, and
 *       served first from the per-CPU range cache (rcache) of that order, <b>last freed first</b> (its
 *       magazines are stacks); a larger one is never cached by Linux and goes to the tree allocator, which
 *       the model approximates by reusing the most recently freed range of the same size first;</li>
 *   <li>a fresh range is aligned to the power of two at or above its size ({@code size_aligned});</li>
 *   <li>a range comes back only once the driver has released it (after the invalidation covering it
 *       completed), and in virtual time: a range released at t is not handed to a request made before t
 *       (another agent whose step started earlier), as on a real machine it did not exist yet.</li>
 * </ul>
 * The model's tree allocator grows upwards from the base; Linux's grows down from the limit: only the
 * addresses differ.
 */
final class IovaAllocator {
    /** Linux's IOVA_RANGE_CACHE_MAX_SIZE: orders 0..5 (1 to 32 pages) are cached per CPU. */
    static final int RCACHE_MAX_ORDER = 6;

    /** One range handed out: released as a whole, to the cache of the CPU that unmapped it. */
    record Allocation(long iova, long size) {}

    private record Freed(long iova, long at) {}

    private long next;
    private final long limit;
    private final long page;
    /** Per CPU and order, a stack (top = last) of cached ranges. */
    private final Map<Long, List<Freed>> rcache = new HashMap<>();
    /** Larger ranges, per size, a stack as well. */
    private final Map<Long, List<Freed>> large = new HashMap<>();

    IovaAllocator(long base, long limit, long pageSize) {
        this.next = base;
        this.limit = limit;
        this.page = pageSize;
    }

    /** A range of at least {@code size} bytes for a request made on {@code cpu} at virtual time {@code now}. */
    Allocation allocate(long size, int cpu, long now) {
        if (size <= 0) {
            throw new IllegalArgumentException("IOVA size must be positive, got " + size);
        }
        long pages = (size + page - 1) / page;
        int order = order(pages);
        long rounded = order < RCACHE_MAX_ORDER ? page << order : pages * page;
        List<Freed> stack = order < RCACHE_MAX_ORDER ? rcache.get(key(cpu, order)) : large.get(rounded);
        if (stack != null) {
            // from the top down: the most recently freed range that existed at `now` (iova_magazine_pop skips
            // the pfns it cannot use in the same way)
            for (int i = stack.size() - 1; i >= 0; i--) {
                if (stack.get(i).at <= now) {
                    return new Allocation(stack.remove(i).iova, rounded);
                }
            }
        }
        long align = Long.highestOneBit(rounded) == rounded ? rounded : Long.highestOneBit(rounded) << 1;
        long aligned = (next + align - 1) & -align;
        if (aligned + rounded > limit || aligned < next) {
            throw new IllegalStateException("IOVA space exhausted");
        }
        next = aligned + rounded;
        return new Allocation(aligned, rounded);
    }

    /** Gives {@code a} back, on {@code cpu}, at virtual time {@code at}. */
    void release(Allocation a, int cpu, long at) {
        long pages = a.size() / page;
        int order = order(pages);
        List<Freed> stack = order < RCACHE_MAX_ORDER && (page << order) == a.size()
                ? rcache.computeIfAbsent(key(cpu, order), k -> new ArrayList<>())
                : large.computeIfAbsent(a.size(), k -> new ArrayList<>());
        stack.add(new Freed(a.iova(), at));
    }

    private static int order(long pages) {
        return 64 - Long.numberOfLeadingZeros(pages - 1);
    }

    private static long key(int cpu, int order) {
        return ((long) cpu << 8) | order;
    }
}
