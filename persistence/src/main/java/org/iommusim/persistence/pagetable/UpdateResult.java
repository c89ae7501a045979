package org.iommusim.persistence.pagetable;

import java.util.Optional;

/**
 * Decide and apply in one step, for tests and tools. {@link #table()} is
 * always usable: the new table, or the unchanged one after a refusal.
 */
public sealed interface UpdateResult permits UpdateResult.Updated, UpdateResult.Failed {

    PageTable table();

    record Updated(PageTable table, PageTableEvent event) implements UpdateResult {}

    record Failed(PageTable table, PageTableError failure) implements UpdateResult {}

    default boolean ok() {
        return this instanceof Updated;
    }

    default Optional<PageTableError> error() {
        return this instanceof Failed f ? Optional.of(f.failure()) : Optional.empty();
    }
}
