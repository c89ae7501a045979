package org.iommusim.persistence.timing;

/**
 * A fixed number of identical slots (an SMMU's translation slots, its
 * page-table-walk slots): a request arriving at {@code at} takes the slot
 * free soonest and waits for it if every slot is busy. Deterministic: ties
 * go to the same slot every time.
 */
public final class SlotPool {
    /** When each slot is next free; a linear scan finds the soonest (64 slots at most in practice). */
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

    private int soonest() {
        int best = 0;
        for (int i = 1; i < freeAt.length; i++) {
            if (freeAt[i] < freeAt[best]) {
                best = i;
            }
        }
        return best;
    }

    /** Holds a slot for {@code holdNs} from when one is free at or after {@code at}; returns when it starts. */
    public long acquire(long at, long holdNs) {
        if (holdNs < 0) {
            throw new IllegalArgumentException("hold must be >= 0 ns, got " + holdNs);
        }
        int slot = soonest();
        long start = Math.max(at, freeAt[slot]);
        if (start > at) {
            waits++;
            waitedNs += start - at;
        }
        freeAt[slot] = start + holdNs;
        return start;
    }

    /** When a request arriving at {@code at} would get a slot (nothing is taken). */
    public long freeAt(long at) {
        return Math.max(at, freeAt[soonest()]);
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
