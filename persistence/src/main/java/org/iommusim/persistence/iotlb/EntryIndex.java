package org.iommusim.persistence.iotlb;

/**
 * Hash index from slot (kind, VMID, ASID, va, size) to node: open addressing,
 * linear probing, backward-shift deletion (no tombstones), at most half full.
 * A probe computes a hash and compares primitives: it allocates nothing.
 *
 * <p>It also counts the entries of each size (by log2), so a lookup probes
 * only the sizes present: usually one or two.
 */
final class EntryIndex {
    private Node[] slots = new Node[16];
    private int count;
    private final int[] perShift = new int[64];
    private long shiftsPresent;

    int size() {
        return count;
    }

    /** Bit n set when some entry has size 2^n. */
    long shiftsPresent() {
        return shiftsPresent;
    }

    Node get(int kind, int vmid, int asid, long va, long size) {
        Node[] s = slots;
        int mask = s.length - 1;
        for (int i = hash(kind, vmid, asid, va, size) & mask; ; i = (i + 1) & mask) {
            Node n = s[i];
            if (n == null || n.is(kind, vmid, asid, va, size)) {
                return n;
            }
        }
    }

    /** Adds {@code node}, whose slot must be free. */
    void put(Node node) {
        if ((count + 1) * 2 > slots.length) {
            grow();
        }
        insert(slots, node);
        count++;
        int shift = Long.numberOfTrailingZeros(node.size);
        if (perShift[shift]++ == 0) {
            shiftsPresent |= 1L << shift;
        }
    }

    void remove(Node node) {
        Node[] s = slots;
        int mask = s.length - 1;
        int i = hash(node.kind, node.vmid, node.asid, node.va, node.size) & mask;
        while (s[i] != node) {
            if (s[i] == null) {
                throw new IllegalStateException("not indexed: " + node.entry);
            }
            i = (i + 1) & mask;
        }
        // Backward shift: pull later members of the probe run into the hole so lookups never stop early.
        int hole = i;
        for (int j = (hole + 1) & mask; s[j] != null; j = (j + 1) & mask) {
            int home = hash(s[j].kind, s[j].vmid, s[j].asid, s[j].va, s[j].size) & mask;
            if (((j - home) & mask) >= ((j - hole) & mask)) {
                s[hole] = s[j];
                hole = j;
            }
        }
        s[hole] = null;
        count--;
        int shift = Long.numberOfTrailingZeros(node.size);
        if (--perShift[shift] == 0) {
            shiftsPresent &= ~(1L << shift);
        }
    }

    void clear() {
        slots = new Node[16];
        count = 0;
        java.util.Arrays.fill(perShift, 0);
        shiftsPresent = 0;
    }

    private void grow() {
        Node[] bigger = new Node[slots.length * 2];
        for (Node n : slots) {
            if (n != null) {
                insert(bigger, n);
            }
        }
        slots = bigger;
    }

    private static void insert(Node[] s, Node node) {
        int mask = s.length - 1;
        int i = hash(node.kind, node.vmid, node.asid, node.va, node.size) & mask;
        while (s[i] != null) {
            i = (i + 1) & mask;
        }
        s[i] = node;
    }

    static int hash(int kind, int vmid, int asid, long va, long size) {
        long h = va * 0x9E3779B97F4A7C15L;
        h ^= ((long) vmid << 40) ^ ((long) (asid & 0x1FFFF) << 20) ^ ((long) kind << 16)
                ^ Long.numberOfTrailingZeros(size);
        h = (h ^ (h >>> 31)) * 0xBF58476D1CE4E5B9L;
        return (int) (h ^ (h >>> 32));
    }
}
