package org.iommusim.persistence.timing;

/**
 * A fixed number of identical slots (an SMMU's translation slots, its
 * page-table-walk slots): a request arriving at {@code at} takes a slot free
 * at that time and waits for the one free soonest if every slot is busy.
 *
 * <p>Requests need not arrive in time order: the simulation runs each device
 * step to its end before the next step, so a later step may ask at an earlier
 * virtual time than requests already placed. A slot therefore counts as free
 * at {@code at} only when everything it holds has ended by then, and a
 * request takes, of the free slots, the one freed last (best fit): a device
 * asking in sequence reuses one slot rather than leaving a reservation in the
 * future on every slot, which would make an earlier request of another device
 * wait for time that is not yet booked. Deterministic: ties go to the lowest
 * slot.
 */
public final class SlotPool {
    /** When each slot is free of everything it holds. */
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

    /** The slot a request at {@code at} takes: the free one freed last, else the one free soonest. */
    private int choose(long at) {
        int fit = -1;
        int soonest = 0;
        for (int i = 0; i < slots; i++) {
            long f = freeAt[i];
            if (f <= at && (fit < 0 || f > freeAt[fit])) {
                fit = i;
            }
            if (f < freeAt[soonest]) {
                soonest = i;
            }
        }
        return fit >= 0 ? fit : soonest;
    }

    /** Holds a slot for {@code holdNs} from when one is free at or after {@code at}; returns when it starts. */
    public long acquire(long at, long holdNs) {
        if (holdNs < 0) {
            throw new IllegalArgumentException("hold must be >= 0 ns, got " + holdNs);
        }
        int slot = choose(at);
        long start = Math.max(at, freeAt[slot]);
        if (start > at) {
            waits++;
            waitedNs += start - at;
        }
        freeAt[slot] = Math.max(freeAt[slot], start + holdNs);
        return start;
    }

    /** When a request arriving at {@code at} would get a slot (nothing is taken). */
    public long freeAt(long at) {
        return Math.max(at, freeAt[choose(at)]);
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
