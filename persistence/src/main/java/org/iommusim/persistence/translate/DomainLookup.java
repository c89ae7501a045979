package org.iommusim.persistence.translate;

import org.iommusim.persistence.pagetable.PageTable;
import org.iommusim.protocol.domain.DomainId;

/** The published page-table view of a domain, or null when no such domain exists (yet). */
@FunctionalInterface
public interface DomainLookup {
    PageTable table(DomainId id);

    /**
     * A number that changes (before the change is announced) whenever any
     * table is published or withdrawn, so that what was resolved against the
     * tables may be reused while it stays the same; -1 when unknown, and then
     * nothing is reused.
     */
    default long version() {
        return -1;
    }
}
