package org.iommusim.persistence.pagetable;

/**
 * A change a domain's page table accepted: produced by {@link PageTable#decideMap}
 * or {@link PageTable#decideUnmap}, applied by {@link PageTable#apply}.
 * Events hold validated requests; re-applying them in order rebuilds the
 * same table, because the leaf layout is a pure function of the requests.
 */
public sealed interface PageTableEvent permits Mapped, Unmapped {
}
