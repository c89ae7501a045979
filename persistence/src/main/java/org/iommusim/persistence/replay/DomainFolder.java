package org.iommusim.persistence.replay;

import java.util.List;
import org.iommusim.persistence.domain.DomainEvent;
import org.iommusim.persistence.domain.DomainState;

/**
 * Rebuilds a domain ({@code domain-<id>}) with {@link DomainState#apply};
 * runs of map and unmap events are applied as batches ({@link DomainWindow}).
 */
public final class DomainFolder implements WindowedFolder<DomainState> {
    public static final String PREFIX = "domain-";
    private static final int WINDOW = 1024;

    @Override
    public int window() {
        return WINDOW;
    }

    @Override
    public DomainState applyWindow(DomainState state, List<Object> events) {
        return DomainWindow.apply(state, events);
    }

    @Override
    public DomainState initial() {
        return DomainState.initial();
    }

    @Override
    public DomainState restore(Object snapshot, String where) {
        if (snapshot instanceof DomainState s) {
            return s;
        }
        throw new JournalReadException(where + " is not a domain snapshot: " + snapshot.getClass().getSimpleName());
    }

    @Override
    public DomainState apply(DomainState state, Object event) {
        if (!(event instanceof DomainEvent e)) {
            throw new WrongKind("a domain", event);
        }
        return state.apply(e);
    }
}
