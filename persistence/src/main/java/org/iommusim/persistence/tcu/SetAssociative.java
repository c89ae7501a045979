package org.iommusim.persistence.tcu;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import org.iommusim.protocol.capability.CacheShape;

/**
 * The storage of one set-associative TCU cache with LRU replacement within a
 * set (gem5's default for its walk and IPA caches). A tag's set is a hash of
 * it; a fill into a full set evicts the least recently used way. Not
 * thread-safe: the TCU holds its lock around every use.
 */
final class SetAssociative<E> {
    final CacheShape shape;
    final CacheCounters counters = new CacheCounters();
    private final int sets;
    private final int ways;
    private final Object[] slots;
    private final long[] used;
    /** Bit i set when slot i holds an entry: an invalidation visits the entries, not every slot. */
    private final long[] occupied;
    private long clock;
    private int size;
    /** The slot the last {@link #fill} took, for the TCU's log. */
    int lastSlot = -1;

    SetAssociative(CacheShape shape) {
        this.shape = shape;
        this.sets = shape.sets();
        this.ways = shape.enabled() ? shape.setWays() : 0;
        this.slots = new Object[shape.entries()];
        this.used = new long[shape.entries()];
        this.occupied = new long[(shape.entries() + 63) >>> 6];
    }

    boolean enabled() {
        return sets > 0;
    }

    /** The first slot of the set {@code hash} selects. */
    int setBase(long hash) {
        return (int) Long.remainderUnsigned(mix(hash), sets) * ways;
    }

    int ways() {
        return ways;
    }

    @SuppressWarnings("unchecked")
    E at(int slot) {
        return (E) slots[slot];
    }

    void touch(int slot) {
        used[slot] = ++clock;
    }

    /** Puts {@code e} in its set; the victim it evicted, or null. */
    E fill(long hash, E e) {
        int base = setBase(hash);
        int victim = base;
        for (int i = base; i < base + ways; i++) {
            if (slots[i] == null) {
                victim = i;
                break;
            }
            if (used[i] < used[victim]) {
                victim = i;
            }
        }
        E old = at(victim);
        slots[victim] = e;
        occupied[victim >>> 6] |= 1L << victim;
        touch(victim);
        lastSlot = victim;
        counters.fills++;
        if (old != null) {
            counters.evictions++;
        } else {
            size++;
        }
        return old;
    }

    /** Removes every entry {@code remove} accepts, counting them as invalidated; the entries removed. */
    List<E> invalidate(Predicate<E> remove) {
        List<E> out = List.of();
        for (int w = 0; w < occupied.length && size > 0; w++) {
            for (long bits = occupied[w]; bits != 0; bits &= bits - 1) {
                int i = w << 6 | Long.numberOfTrailingZeros(bits);
                E e = at(i);
                if (remove.test(e)) {
                    if (out.isEmpty()) {
                        out = new ArrayList<>();
                    }
                    out.add(e);
                    slots[i] = null;
                    occupied[w] &= ~(1L << i);
                    size--;
                }
            }
        }
        counters.invalidations += out.size();
        return out;
    }

    /** Replay of a logged fill: {@code e} into {@code slot}, counted as a fill (and an eviction if it held one). */
    E place(int slot, E e) {
        if (slot < 0 || slot >= slots.length) {
            throw new IllegalArgumentException("slot " + slot + " is outside a cache of " + slots.length + " entries");
        }
        E old = at(slot);
        slots[slot] = e;
        occupied[slot >>> 6] |= 1L << slot;
        touch(slot);
        counters.fills++;
        if (old != null) {
            counters.evictions++;
        } else {
            size++;
        }
        return old;
    }

    /** Every entry goes (a new configuration); the counters stay. */
    void clear() {
        java.util.Arrays.fill(slots, null);
        java.util.Arrays.fill(used, 0);
        java.util.Arrays.fill(occupied, 0);
        size = 0;
    }

    /** The slots holding an entry, least recently used first. */
    List<Integer> slotsByUse() {
        List<Integer> out = new ArrayList<>(size);
        for (int i = 0; i < slots.length; i++) {
            if (slots[i] != null) {
                out.add(i);
            }
        }
        out.sort((a, b) -> Long.compare(used[a], used[b]));
        return out;
    }

    /** Counters as a snapshot recorded them. */
    void restoreCounters(CacheStats s) {
        counters.lookups = s.lookups();
        counters.hits = s.hits();
        counters.misses = s.misses();
        counters.fills = s.fills();
        counters.evictions = s.evictions();
        counters.invalidations = s.invalidations();
        counters.freedTableReads = s.freedTableReads();
    }

    /** The entries held, set by set. */
    List<E> entries() {
        List<E> out = new ArrayList<>(size);
        for (int i = 0; i < slots.length; i++) {
            if (slots[i] != null) {
                out.add(at(i));
            }
        }
        return out;
    }

    int size() {
        return size;
    }

    private static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
        z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
        return z ^ (z >>> 31);
    }
}
