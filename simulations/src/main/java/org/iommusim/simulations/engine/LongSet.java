package org.iommusim.simulations.engine;

/** A set of {@code long}s ({@link LongMap} without values): a device's pages translated since they were mapped. */
final class LongSet {
    private static final Object PRESENT = Boolean.TRUE;
    private final LongMap<Object> map = new LongMap<>();

    /** Adds {@code v}; true if it was not there. */
    boolean add(long v) {
        return map.put(v, PRESENT) == null;
    }

    /** Removes {@code v}; true if it was there. */
    boolean remove(long v) {
        return map.remove(v) != null;
    }

    boolean contains(long v) {
        return map.get(v) != null;
    }

    int size() {
        return map.size();
    }
}
