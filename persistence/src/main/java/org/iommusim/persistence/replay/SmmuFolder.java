package org.iommusim.persistence.replay;

import org.iommusim.persistence.smmu.SmmuChange;
import org.iommusim.persistence.smmu.SmmuState;

/** Rebuilds an SMMU ({@code smmu-<n>}) with {@link SmmuState#apply}. */
public final class SmmuFolder implements StateFolder<SmmuState> {

    @Override
    public SmmuState initial() {
        return SmmuState.UNCONFIGURED;
    }

    @Override
    public SmmuState restore(Object snapshot, String where) {
        if (snapshot instanceof SmmuState s) {
            return s;
        }
        throw new JournalReadException(where + " is not an SMMU snapshot: " + snapshot.getClass().getSimpleName());
    }

    @Override
    public SmmuState apply(SmmuState state, Object event) {
        if (!(event instanceof SmmuChange c)) {
            throw new WrongKind("an SMMU", event);
        }
        return state.apply(c);
    }
}
