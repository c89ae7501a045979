package org.iommusim.persistence.timing;

import java.util.PriorityQueue;

/**
 * A fixed number of identical slots (an SMMU's translation slots, its
 * page-table-walk slots): a request arriving at {@code at} takes the slot
 * free soonest and waits for it if every slot is busy. Deterministic: ties
 * go to the same slot every time.
 */
public final class SlotPool {
    private final PriorityQueue<Long> freeAt = new PriorityQueue<>();
    private final int slots;
    private long waits;
    private long waitedNs;

    public SlotPool(int slots) {
        if (slots < 1) {
            throw new IllegalArgumentException("a slot pool needs at least one slot, got " + slots);
        }
        this.slots = slots;
        for (int i = 0; i < slots; i++) {
            freeAt.add(0L);
        }
    }

    /** Holds a slot for {@code holdNs} from when one is free at or after {@code at}; returns when it starts. */
    public long acquire(long at, long holdNs) {
        if (holdNs < 0) {
            throw new IllegalArgumentException("hold must be >= 0 ns, got " + holdNs);
        }
        long start = Math.max(at, freeAt.poll());
        if (start > at) {
            waits++;
            waitedNs += start - at;
        }
        freeAt.add(start + holdNs);
        return start;
    }

    /** When a request arriving at {@code at} would get a slot (nothing is taken). */
    public long freeAt(long at) {
        return Math.max(at, freeAt.peek());
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
