package org.iommusim.persistence.pagetable;

import org.iommusim.protocol.domain.MapSegment;

/**
 * Applies one event to a table: a transient that copies each node it touches
 * at most once (path copying under a fresh edit token), then freezes into a
 * new {@link PageTable}. The table it started from is never modified.
 *
 * <p>It trusts the event (a decision validated it) but still refuses to
 * overwrite or cut a leaf, so a corrupt log fails loudly instead of
 * producing a wrong table.
 */
final class TableEditor {
    private final PageTable from;
    private final TableGeometry geo;
    private final DescriptorFormat format;
    private final Object edit = new Object();
    private Node root;
    private long leafCount;
    private long mappedBytes;
    private long digest;
    private long nextTableId;
    /** Restoring a snapshot: the identity each table page had, by level and base; null otherwise. */
    private final java.util.Map<String, Long> savedIds;

    TableEditor(PageTable from) {
        this(from, null, from.nextTableId());
    }

    TableEditor(PageTable from, java.util.Map<String, Long> savedIds, long nextTableId) {
        this.from = from;
        this.geo = from.geometry();
        this.format = from.format();
        this.root = from.root();
        this.leafCount = from.leafCount();
        this.mappedBytes = from.mappedBytes();
        this.digest = from.digest();
        this.savedIds = savedIds;
        this.nextTableId = Math.max(nextTableId, from.nextTableId());
    }

    /** Maps one segment as one area, largest leaves first. */
    void map(MapSegment segment) {
        long iova = segment.iova();
        long pa = segment.pa();
        long remaining = segment.size();
        boolean first = true;
        while (remaining > 0) {
            long size = LeafSizes.largest(geo.granule, iova, pa, remaining);
            boolean last = size == remaining;
            putLeaf(iova, geo.levelOf(size), format.leaf(pa, geo.levelOf(size), segment.prot(), first, last), size);
            iova += size;
            pa += size;
            remaining -= size;
            first = false;
        }
    }

    /** Puts back a leaf exactly as a snapshot recorded it (descriptor bits included). */
    void restoreLeaf(long iova, int level, long descriptor) {
        if (!DescriptorFormat.valid(descriptor)) {
            throw new IllegalStateException("snapshot leaf at 0x" + Long.toHexString(iova) + " is not valid");
        }
        putLeaf(iova, level, descriptor, geo.entrySize(level));
    }

    private void putLeaf(long iova, int level, long descriptor, long size) {
        root = root.editable(edit);
        Node n = root;
        for (int l = geo.startLevel; l < level; l++) {
            int i = geo.index(iova, l);
            if (DescriptorFormat.valid(n.entry(i))) {
                throw new IllegalStateException("a block at level " + l + " already maps 0x" + Long.toHexString(iova));
            }
            n = editableChild(n, l, i, iova);
        }
        int i = geo.index(iova, level);
        if (n.child(i) != null && leafless(n.child(i))) {
            // a block over a table that maps nothing (emptied by unmaps): the table is freed, the block takes its place
            n.setChild(i, null, geo.entries(level));
            n.live--;
        }
        if (n.child(i) != null || DescriptorFormat.valid(n.entry(i))) {
            throw new IllegalStateException("0x" + Long.toHexString(iova) + " is already mapped");
        }
        n.setEntry(i, descriptor, geo.entries(level));
        n.live++;
        leafCount++;
        mappedBytes += size;
        digest += LeafDigest.of(iova, descriptor);
    }

    /** Whether table {@code n} and every table below it map nothing (emptied tables are kept, as Linux keeps them). */
    private static boolean leafless(Node n) {
        int size = n.capacity();
        if (n.hasEntries()) {
            for (int i = 0; i < size; i++) {
                if (DescriptorFormat.valid(n.entry(i))) {
                    return false;
                }
            }
        }
        if (n.hasChildren()) {
            for (int i = 0; i < size; i++) {
                Node c = n.child(i);
                if (c != null && !leafless(c)) {
                    return false;
                }
            }
        }
        return true;
    }

    /** Puts back an empty table page a snapshot recorded (its identity from the saved ones). */
    void restoreTable(long base, int level) {
        root = root.editable(edit);
        Node n = root;
        for (int l = geo.startLevel; l < level; l++) {
            n = editableChild(n, l, geo.index(base, l), base);
        }
    }

    /**
     * The table at level {@code l + 1} under entry {@code i} of {@code n}, made
     * editable in this edit (a new one, with the identity a snapshot saved for
     * {@code address}'s table if any, when there is none yet).
     */
    private Node editableChild(Node n, int l, int i, long address) {
        Node child = n.child(i);
        if (child == null) {
            Long saved = savedIds == null ? null : savedIds.get((l + 1) + "/" + (address & -geo.entrySize(l)));
            child = new Node(edit, saved != null ? saved : nextTableId++);
            n.live++;
        } else {
            child = child.editable(edit);
        }
        n.setChild(i, child, geo.entries(l));
        return child;
    }

    /** Removes every leaf inside [start, end); a leaf crossing either end is refused. */
    void unmap(long start, long end) {
        root = clear(root, geo.startLevel, start, end);
    }

    private Node clear(Node n, int level, long start, long end) {
        if (n.live == 0) {
            return n;
        }
        long slot = geo.entrySize(level);
        int first = geo.index(start, level);
        int last = geo.index(end - 1, level);
        long slotBase = start & -slot;
        Node w = null;
        for (int i = first; i <= last; i++, slotBase += slot) {
            Node child = level < 3 ? n.child(i) : null;
            if (child != null) {
                Node cleared = clear(child, level + 1, Math.max(start, slotBase), Math.min(end, slotBase + slot));
                // a table emptied by a smaller unmap stays, as Linux's io-pgtable keeps it; one whose whole range
                // is unmapped is freed (Linux frees it then, and flushes the walk with a LEAF=0 TLBI)
                boolean freed = cleared.live == 0 && start <= slotBase && slotBase + slot <= end;
                if (cleared != child || freed) {
                    w = w == null ? n.editable(edit) : w;
                    if (freed) {
                        w.setChild(i, null, geo.entries(level));
                        w.live--;
                    } else {
                        w.setChild(i, cleared, geo.entries(level));
                    }
                }
                continue;
            }
            long d = n.entry(i);
            if (!DescriptorFormat.valid(d)) {
                continue;
            }
            if (slotBase < start || slotBase + slot > end) {
                throw new IllegalStateException("unmap [0x" + Long.toHexString(start) + ", 0x" + Long.toHexString(end)
                        + ") would cut the leaf at 0x" + Long.toHexString(slotBase));
            }
            w = w == null ? n.editable(edit) : w;
            w.setEntry(i, 0, geo.entries(level));
            w.live--;
            leafCount--;
            mappedBytes -= slot;
            digest -= LeafDigest.of(slotBase, d);
        }
        return w == null ? n : w;
    }

    PageTable build() {
        return root == from.root() ? from : new PageTable(from.spec(), geo, format, root, leafCount, mappedBytes, digest,
                nextTableId);
    }
}
