package org.iommusim.persistence.pagetable;

/**
 * One translation table. {@code entries} holds leaf descriptors (pages at
 * level 3, blocks above); {@code next} holds next-level tables, standing in
 * for table descriptors. Both arrays are allocated only when first needed, so
 * a table holding only tables has no descriptor array and a level-3 table has
 * no {@code next}.
 *
 * <p>A node is mutable only while {@code edit} is the token of the event
 * application that created it; afterwards nobody holds that token again and
 * the node is frozen (Clojure's transient idea). Path copying keeps an
 * invariant: a node owned by the current edit is reachable only through
 * nodes owned by it too.
 *
 * <p>Each array is held in chunks ({@link #CHUNKS} at most per table), and a
 * copy shares its original's chunks until it writes one: a map or an unmap
 * copies, per level, a chunk of a few descriptors and the chunk index rather
 * than the whole table (a 4K-granule table is 512 descriptors: 4 KiB to copy
 * at each edit of each level, which was a large share of a map's cost).
 *
 * <p>{@code id} is the table page's identity (its "address"): given when the
 * table is allocated, kept by every copy path copying makes of it, never
 * reused within a domain. A walk-cache entry names the table it points at by
 * this id, so the walker can tell the table still in place from one that was
 * freed (and perhaps replaced by a new table at the same position).
 */
final class Node {
    /** Chunks per table at most (an int of ownership bits each for descriptors and tables). */
    static final int CHUNKS = 32;

    private long[][] entries;
    private Node[][] next;
    /** log2 of the entries per chunk, set with the first array (both arrays of a node have its table's size). */
    private int shift = -1;
    /** Chunks this node's edit allocated or copied, so writes them in place (bit c: chunk c). */
    private int ownedEntries;
    private int ownedNext;
    /** Valid entries plus next-level tables: 0 means the table is empty (kept until an unmap covers its range). */
    int live;
    final Object edit;
    final long id;

    Node(Object edit, long id) {
        this.edit = edit;
        this.id = id;
    }

    private Node(Node from, Object edit) {
        this.entries = from.entries == null ? null : from.entries.clone();
        this.next = from.next == null ? null : from.next.clone();
        this.shift = from.shift;
        this.live = from.live;
        this.edit = edit;
        this.id = from.id;
    }

    /** This node if {@code edit} owns it, otherwise a copy owned by {@code edit}. */
    Node editable(Object edit) {
        return this.edit == edit ? this : new Node(this, edit);
    }

    Node child(int index) {
        Node[][] n = next;
        if (n == null) {
            return null;
        }
        Node[] c = n[index >>> shift];
        return c == null ? null : c[index & ((1 << shift) - 1)];
    }

    long entry(int index) {
        long[][] e = entries;
        if (e == null) {
            return 0L;
        }
        long[] c = e[index >>> shift];
        return c == null ? 0L : c[index & ((1 << shift) - 1)];
    }

    /** Whether this table has ever held a next-level table (so {@link #child} can be non-null). */
    boolean hasChildren() {
        return next != null;
    }

    /** Whether this table has ever held a descriptor. */
    boolean hasEntries() {
        return entries != null;
    }

    /** Entries this table holds ({@code tableSize} as given at its first write), 0 before any. */
    int capacity() {
        return shift < 0 ? 0 : (entries != null ? entries.length : next.length) << shift;
    }

    /** Sets descriptor {@code index} of this editable node, a table of {@code tableSize} entries. */
    void setEntry(int index, long descriptor, int tableSize) {
        if (entries == null) {
            shapeFor(tableSize);
            entries = new long[chunks(tableSize)][];
        }
        int c = index >>> shift;
        long[] chunk = entries[c];
        if ((ownedEntries & (1 << c)) == 0) {
            chunk = chunk == null ? new long[1 << shift] : chunk.clone();
            entries[c] = chunk;
            ownedEntries |= 1 << c;
        }
        chunk[index & ((1 << shift) - 1)] = descriptor;
    }

    /** Sets (or, with null, clears) next-level table {@code index} of this editable node. */
    void setChild(int index, Node child, int tableSize) {
        if (next == null) {
            if (child == null) {
                return;
            }
            shapeFor(tableSize);
            next = new Node[chunks(tableSize)][];
        }
        int c = index >>> shift;
        Node[] chunk = next[c];
        if ((ownedNext & (1 << c)) == 0) {
            if (chunk == null && child == null) {
                return;
            }
            chunk = chunk == null ? new Node[1 << shift] : chunk.clone();
            next[c] = chunk;
            ownedNext |= 1 << c;
        }
        chunk[index & ((1 << shift) - 1)] = child;
    }

    private void shapeFor(int tableSize) {
        if (shift < 0) {
            shift = Integer.numberOfTrailingZeros(Math.max(1, tableSize / CHUNKS));
        }
    }

    private int chunks(int tableSize) {
        return Math.max(1, tableSize >>> shift);
    }
}
