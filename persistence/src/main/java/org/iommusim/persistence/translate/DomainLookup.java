package org.iommusim.persistence.translate;

import org.iommusim.persistence.pagetable.PageTable;
import org.iommusim.protocol.domain.DomainId;

/** The published page-table view of a domain, or null when no such domain exists (yet). */
@FunctionalInterface
public interface DomainLookup {
    PageTable table(DomainId id);
}
