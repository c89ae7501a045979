package org.iommusim.actors.domain;

import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.iommusim.persistence.pagetable.PageTable;
import org.iommusim.persistence.translate.DomainLookup;
import org.iommusim.protocol.domain.DomainId;

/**
 * The published, immutable page-table views of every running domain. A
 * domain actor replaces its entry after each persisted change; translation
 * workers walk whatever view is current without messaging the actor. Safe
 * because a {@link PageTable} never changes once built.
 */
public final class PageTableViews implements DomainLookup {
    private final Map<DomainId, PageTable> views = new ConcurrentHashMap<>();
    private final AtomicLong version = new AtomicLong();

    public Optional<PageTable> get(DomainId id) {
        return Optional.ofNullable(views.get(id));
    }

    /** The current view, or null: the hot path's form of {@link #get}. */
    @Override
    public PageTable table(DomainId id) {
        return views.get(id);
    }

    /** Changes with every publication, before the domain actor answers the request that caused it. */
    @Override
    public long version() {
        return version.get();
    }

    void publish(DomainId id, PageTable table) {
        views.put(id, table);
        version.incrementAndGet();
    }

    void withdraw(DomainId id) {
        views.remove(id);
        version.incrementAndGet();
    }
}
