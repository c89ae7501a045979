package org.iommusim.persistence.pagetable;

/**
 * Receives each descriptor a table walk reads from memory, in walk order: the
 * walk caches fill from it. A walk that starts below the root (at a table a
 * walk-cache entry named) reports only what it read from there on.
 */
public interface DescriptorSink {
    /** A table descriptor at {@code level}, pointing at the level+1 table page {@code tableId}. */
    void table(int level, long iova, long tableId);

    /** A block or page descriptor at {@code level}. */
    void leaf(int level, long iova, long descriptor);

    /**
     * The walk was sent to table page {@code tableId} at {@code level}, which
     * is no longer part of the table: it was freed. Its memory holds what it
     * held when freed, which in this model is all-invalid descriptors (a
     * table page is freed only when its last entry is removed), so the walk
     * ends in a Translation fault at {@code level}.
     */
    void freedTable(int level, long iova, long tableId);
}
