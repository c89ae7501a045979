package org.iommusim.persistence.pagetable;

import org.iommusim.protocol.translate.Perms;

/** What a table walk for one input address found. */
public sealed interface WalkResult permits WalkResult.Leaf, WalkResult.WalkFault {

    /**
     * A valid block or page.
     *
     * @param outputAddress the output address of the walked input address itself
     * @param leafBase      the input address where the leaf starts
     * @param size          bytes the leaf maps
     * @param level         the level it was found at (3 for a page)
     */
    record Leaf(long outputAddress, long leafBase, long size, int level, Perms perms) implements WalkResult {}

    /** A walk that ended without a leaf. */
    record WalkFault(Kind kind, int level) implements WalkResult {
        /**
         * The SMMU event a fault of this kind raises: F_TRANSLATION (no valid descriptor, or
         * an input beyond the table's range), F_ACCESS (a leaf with AF=0, Arm IHI 0070 7.3.15).
         */
        public enum Kind { TRANSLATION, ACCESS }

        private static final WalkFault[][] SHARED = new WalkFault[Kind.values().length][5];

        static {
            for (Kind k : Kind.values()) {
                for (int level = -1; level <= 3; level++) {
                    SHARED[k.ordinal()][level + 1] = new WalkFault(k, level);
                }
            }
        }

        /** The shared instance: faults on the miss path allocate nothing. */
        public static WalkFault of(Kind kind, int level) {
            return SHARED[kind.ordinal()][level + 1];
        }
    }
}
