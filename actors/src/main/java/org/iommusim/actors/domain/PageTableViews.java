package org.iommusim.actors.domain;

import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.iommusim.persistence.pagetable.PageTable;
import org.iommusim.protocol.domain.DomainId;

/**
 * The published, immutable page-table views of every running domain. A
 * domain actor replaces its entry after each persisted change; translation
 * workers walk whatever view is current without messaging the actor. Safe
 * because a {@link PageTable} never changes once built.
 */
public final class PageTableViews {
    private final Map<DomainId, PageTable> views = new ConcurrentHashMap<>();

    public Optional<PageTable> get(DomainId id) {
        return Optional.ofNullable(views.get(id));
    }

    /** The current view, or null: the hot path's form of {@link #get}. */
    public PageTable table(DomainId id) {
        return views.get(id);
    }

    void publish(DomainId id, PageTable table) {
        views.put(id, table);
    }

    void withdraw(DomainId id) {
        views.remove(id);
    }
}
