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
        throw new JournalReadException(where + " is not a domain snapshot: " + describe(snapshot));
    }

    @Override
    public DomainState apply(DomainState state, Object event, String where) {
        if (!(event instanceof DomainEvent e)) {
            throw new JournalReadException(where + " is not a domain event: " + describe(event));
        }
        try {
            return state.apply(e);
        } catch (IllegalStateException ex) {
            throw new JournalReadException(where + " cannot be replayed: " + ex.getMessage(), ex);
        }
    }

    private static String describe(Object o) {
        return o instanceof Undecoded u ? "undecodable (" + u.reason() + ")" : o.getClass().getSimpleName();
    }
}
