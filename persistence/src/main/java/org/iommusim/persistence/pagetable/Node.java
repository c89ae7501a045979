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
 * <p>{@code id} is the table page's identity (its "address"): given when the
 * table is allocated, kept by every copy path copying makes of it, never
 * reused within a domain. A walk-cache entry names the table it points at by
 * this id, so the walker can tell the table still in place from one that was
 * freed (and perhaps replaced by a new table at the same position).
 */
final class Node {
    long[] entries;
    Node[] next;
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
        this.live = from.live;
        this.edit = edit;
        this.id = from.id;
    }

    /** This node if {@code edit} owns it, otherwise a copy owned by {@code edit}. */
    Node editable(Object edit) {
        return this.edit == edit ? this : new Node(this, edit);
    }

    Node child(int index) {
        return next == null ? null : next[index];
    }

    long entry(int index) {
        return entries == null ? 0L : entries[index];
    }
}
