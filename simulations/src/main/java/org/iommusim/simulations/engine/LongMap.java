package org.iommusim.simulations.engine;

import java.util.Arrays;

/**
 * A map from {@code long} keys to values, open addressing with linear probing and backward-shift removal: what the
 * history and the devices look up once or more per DMA, where {@code HashMap<Long, V>} boxed every key and chased a
 * node per lookup. Not thread-safe (its owners lock). Keys are expected to be spread already (the history mixes its
 * block keys); a final multiply-shift spreads them over the table anyway.
 */
final class LongMap<V> {
    private static final float LOAD = 0.5f;

    private long[] keys;
    private Object[] values;
    private int mask;
    private int size;
    // key 0 marks a free slot, so the key 0 lives apart
    private boolean hasZero;
    private Object zeroValue;

    LongMap() {
        this(16);
    }

    LongMap(int capacity) {
        int n = Integer.highestOneBit(Math.max(4, (int) (capacity / LOAD)) - 1) << 1;
        keys = new long[n];
        values = new Object[n];
        mask = n - 1;
    }

    int size() {
        return size + (hasZero ? 1 : 0);
    }

    private int slot(long key) {
        return (int) ((key * 0x9E3779B97F4A7C15L) >>> 32) & mask;
    }

    @SuppressWarnings("unchecked")
    V get(long key) {
        if (key == 0) {
            return hasZero ? (V) zeroValue : null;
        }
        for (int i = slot(key); ; i = (i + 1) & mask) {
            long k = keys[i];
            if (k == key) {
                return (V) values[i];
            }
            if (k == 0) {
                return null;
            }
        }
    }

    /** Associates {@code value} (not null) with {@code key}; returns the value it replaced, or null. */
    @SuppressWarnings("unchecked")
    V put(long key, V value) {
        if (value == null) {
            throw new IllegalArgumentException("null values are not kept");
        }
        if (key == 0) {
            V old = hasZero ? (V) zeroValue : null;
            hasZero = true;
            zeroValue = value;
            return old;
        }
        for (int i = slot(key); ; i = (i + 1) & mask) {
            long k = keys[i];
            if (k == key) {
                V old = (V) values[i];
                values[i] = value;
                return old;
            }
            if (k == 0) {
                keys[i] = key;
                values[i] = value;
                if (++size > keys.length * LOAD) {
                    grow();
                }
                return null;
            }
        }
    }

    /** Removes {@code key}; returns its value, or null. */
    @SuppressWarnings("unchecked")
    V remove(long key) {
        if (key == 0) {
            V old = hasZero ? (V) zeroValue : null;
            hasZero = false;
            zeroValue = null;
            return old;
        }
        for (int i = slot(key); ; i = (i + 1) & mask) {
            long k = keys[i];
            if (k == 0) {
                return null;
            }
            if (k == key) {
                V old = (V) values[i];
                shiftBack(i);
                size--;
                return old;
            }
        }
    }

    /** Fills the freed slot {@code gap} with the later entries of its run that may move into it. */
    private void shiftBack(int gap) {
        for (int i = (gap + 1) & mask; keys[i] != 0; i = (i + 1) & mask) {
            int home = slot(keys[i]);
            // the entry at i may move back to gap unless its home lies cyclically in (gap, i]
            boolean stays = gap <= i ? (home > gap && home <= i) : (home > gap || home <= i);
            if (!stays) {
                keys[gap] = keys[i];
                values[gap] = values[i];
                gap = i;
            }
        }
        keys[gap] = 0;
        values[gap] = null;
    }

    private void grow() {
        long[] oldKeys = keys;
        Object[] oldValues = values;
        keys = new long[oldKeys.length * 2];
        values = new Object[oldKeys.length * 2];
        mask = keys.length - 1;
        size = 0;
        for (int i = 0; i < oldKeys.length; i++) {
            if (oldKeys[i] != 0) {
                put(oldKeys[i], castValue(oldValues[i]));
            }
        }
    }

    @SuppressWarnings("unchecked")
    private V castValue(Object o) {
        return (V) o;
    }

    void clear() {
        Arrays.fill(keys, 0);
        Arrays.fill(values, null);
        size = 0;
        hasZero = false;
        zeroValue = null;
    }
}
