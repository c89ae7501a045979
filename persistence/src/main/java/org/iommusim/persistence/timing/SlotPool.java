package org.iommusim.persistence.timing;

/**
 * A fixed number of identical slots (an SMMU's translation slots, its
 * page-table-walk slots): a request arriving at {@code at} takes the slot
 * free soonest and waits for it if every slot is busy. Deterministic: ties
 * go to the same slot every time.
 */
public final class SlotPool {
    /** When each slot is next free, as a binary min-heap: the soonest at the root. */
    private final long[] freeAt;
    private final int slots;
    private long waits;
    private long waitedNs;

    public SlotPool(int slots) {
        if (slots < 1) {
            throw new IllegalArgumentException("a slot pool needs at least one slot, got " + slots);
        }
        this.slots = slots;
        this.freeAt = new long[slots];
    }

    /** Replaces the root (the soonest free slot) by {@code value} and restores the heap. */
    private void replaceRoot(long value) {
        int i = 0;
        while (true) {
            int child = 2 * i + 1;
            if (child >= freeAt.length) {
                break;
            }
            if (child + 1 < freeAt.length && freeAt[child + 1] < freeAt[child]) {
                child++;
            }
            if (freeAt[child] >= value) {
                break;
            }
            freeAt[i] = freeAt[child];
            i = child;
        }
        freeAt[i] = value;
    }

    /** Holds a slot for {@code holdNs} from when one is free at or after {@code at}; returns when it starts. */
    public long acquire(long at, long holdNs) {
        if (holdNs < 0) {
            throw new IllegalArgumentException("hold must be >= 0 ns, got " + holdNs);
        }
        long start = Math.max(at, freeAt[0]);
        if (start > at) {
            waits++;
            waitedNs += start - at;
        }
        replaceRoot(start + holdNs);
        return start;
    }

    /** When a request arriving at {@code at} would get a slot (nothing is taken). */
    public long freeAt(long at) {
        return Math.max(at, freeAt[0]);
    }

    public int slots() {
        return slots;
    }

    /** Requests that found every slot busy. */
    public long waits() {
        return waits;
    }

    /** Total time requests waited for a slot, ns. */
    public long waitedNs() {
        return waitedNs;
    }
}
