package org.iommusim.persistence.pagetable;

/** Read-only searches over a frozen tree, used by decisions and listings. */
final class TableReader {
    private TableReader() {}

    /** Receives each leaf in address order. */
    @FunctionalInterface
    interface LeafVisitor {
        void leaf(long iova, int level, long descriptor);
    }

    /** The descriptor of the leaf containing {@code address} (0 if none); its level in {@code levelOut[0]}. */
    static long leafAt(TableGeometry geo, Node root, long address, int[] levelOut) {
        Node n = root;
        for (int level = geo.startLevel; ; level++) {
            int i = geo.index(address, level);
            Node child = level < 3 ? n.child(i) : null;
            if (child != null) {
                n = child;
                continue;
            }
            levelOut[0] = level;
            return n.entry(i);
        }
    }

    /**
     * The lowest address in [start, end) that some leaf maps, or -1.
     * The range lies inside the table's coverage; {@code end} is exclusive.
     */
    static long firstMapped(TableGeometry geo, Node root, long start, long end) {
        return firstMapped(geo, root, geo.startLevel, start, end);
    }

    private static long firstMapped(TableGeometry geo, Node n, int level, long start, long end) {
        if (n.live == 0) {
            return -1;
        }
        long slot = geo.entrySize(level);
        int first = geo.index(start, level);
        int last = geo.index(end - 1, level);
        long slotBase = start & -slot;
        for (int i = first; i <= last; i++, slotBase += slot) {
            Node child = level < 3 ? n.child(i) : null;
            if (child != null) {
                long found = firstMapped(geo, child, level + 1,
                        Math.max(start, slotBase), Math.min(end, slotBase + slot));
                if (found >= 0) {
                    return found;
                }
            } else if (DescriptorFormat.valid(n.entry(i))) {
                return Math.max(start, slotBase);
            }
        }
        return -1;
    }

    /** Visits the leaves that intersect [start, end) in address order. */
    static void forEachLeaf(TableGeometry geo, Node root, long start, long end, LeafVisitor visitor) {
        if (root.live > 0 && start < end) {
            visit(geo, root, geo.startLevel, start, end, visitor);
        }
    }

    private static void visit(TableGeometry geo, Node n, int level, long start, long end, LeafVisitor visitor) {
        long slot = geo.entrySize(level);
        int first = geo.index(start, level);
        int last = geo.index(end - 1, level);
        long slotBase = start & -slot;
        for (int i = first; i <= last; i++, slotBase += slot) {
            Node child = level < 3 ? n.child(i) : null;
            if (child != null) {
                visit(geo, child, level + 1, Math.max(start, slotBase), Math.min(end, slotBase + slot), visitor);
            } else {
                long d = n.entry(i);
                if (DescriptorFormat.valid(d)) {
                    visitor.leaf(slotBase, level, d);
                }
            }
        }
    }
}
