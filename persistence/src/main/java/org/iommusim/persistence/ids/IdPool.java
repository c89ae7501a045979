package org.iommusim.persistence.ids;

import java.util.BitSet;
import java.util.List;

/**
 * One kind of id on one SMMU: the ids in use and the ids released but not
 * yet flushed. Every other id is free. Immutable: each change copies the
 * bitmaps (8 KiB at most, for 16-bit ids), which keeps the lowest-free search
 * a single {@link BitSet#nextClearBit} as Linux's {@code ida} is a bitmap too.
 */
public final class IdPool {
    public static final IdPool EMPTY = new IdPool(new BitSet(), new BitSet());

    private final BitSet inUse;
    private final BitSet awaitingFlush;

    private IdPool(BitSet inUse, BitSet awaitingFlush) {
        this.inUse = inUse;
        this.awaitingFlush = awaitingFlush;
    }

    /** A pool holding these ids (for snapshots and tests); an id may not be in both lists. */
    public static IdPool of(List<Integer> inUse, List<Integer> awaitingFlush) {
        BitSet used = new BitSet();
        BitSet waiting = new BitSet();
        inUse.forEach(id -> used.set(checked(id)));
        for (int id : awaitingFlush) {
            if (used.get(checked(id))) {
                throw new IllegalArgumentException("id " + id + " cannot be both in use and awaiting its flush");
            }
            waiting.set(id);
        }
        return new IdPool(used, waiting);
    }

    private static int checked(int id) {
        if (id < 1) {
            throw new IllegalArgumentException("id " + id + " is not an allocatable id (ids start at 1)");
        }
        return id;
    }

    public boolean inUse(int id) {
        return id >= 0 && inUse.get(id);
    }

    public boolean awaitingFlush(int id) {
        return id >= 0 && awaitingFlush.get(id);
    }

    /** The ids in use, ascending. */
    public List<Integer> inUseIds() {
        return inUse.stream().boxed().toList();
    }

    /** The ids released and not yet flushed, ascending. */
    public List<Integer> awaitingFlushIds() {
        return awaitingFlush.stream().boxed().toList();
    }

    /** The lowest id in {@code [1, max]} neither in use nor awaiting its flush, or -1. */
    public int lowestFree(int max) {
        BitSet taken = (BitSet) inUse.clone();
        taken.or(awaitingFlush);
        int id = taken.nextClearBit(1);
        return id <= max ? id : -1;
    }

    IdPool allocated(int id) {
        if (inUse(id) || awaitingFlush(id)) {
            throw new IllegalStateException("id " + id + " is not free");
        }
        BitSet used = (BitSet) inUse.clone();
        used.set(checked(id));
        return new IdPool(used, awaitingFlush);
    }

    IdPool released(int id) {
        if (!inUse(id)) {
            throw new IllegalStateException("id " + id + " is not in use");
        }
        BitSet used = (BitSet) inUse.clone();
        used.clear(id);
        BitSet waiting = (BitSet) awaitingFlush.clone();
        waiting.set(id);
        return new IdPool(used, waiting);
    }

    IdPool flushed(int id) {
        if (!awaitingFlush(id)) {
            throw new IllegalStateException("id " + id + " is not awaiting a flush");
        }
        BitSet waiting = (BitSet) awaitingFlush.clone();
        waiting.clear(id);
        return new IdPool(inUse, waiting);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof IdPool p && p.inUse.equals(inUse) && p.awaitingFlush.equals(awaitingFlush);
    }

    @Override
    public int hashCode() {
        return inUse.hashCode() * 31 + awaitingFlush.hashCode();
    }

    @Override
    public String toString() {
        return "in use " + inUse + ", awaiting flush " + awaitingFlush;
    }
}
