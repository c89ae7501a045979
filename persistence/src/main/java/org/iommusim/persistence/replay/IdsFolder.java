package org.iommusim.persistence.replay;

import org.iommusim.persistence.ids.IdEvent;
import org.iommusim.persistence.ids.IdState;

/** Rebuilds an SMMU's id allocator ({@code smmu-<n>/ids}) with {@link IdState#apply}. */
public final class IdsFolder implements StateFolder<IdState> {

    @Override
    public IdState initial() {
        return IdState.EMPTY;
    }

    @Override
    public IdState restore(Object snapshot, String where) {
        if (snapshot instanceof IdState s) {
            return s;
        }
        throw new JournalReadException(where + " is not an id-allocator snapshot: " + snapshot.getClass().getSimpleName());
    }

    @Override
    public IdState apply(IdState state, Object event) {
        if (!(event instanceof IdEvent e)) {
            throw new WrongKind("an id-allocator", event);
        }
        return state.apply(e);
    }
}
