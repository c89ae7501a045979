package org.iommusim.persistence.replay;

import org.iommusim.persistence.domain.DomainEvent;
import org.iommusim.persistence.domain.DomainState;

/** Rebuilds a domain ({@code domain-<id>}) with {@link DomainState#apply}. */
public final class DomainFolder implements StateFolder<DomainState> {
    public static final String PREFIX = "domain-";

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
