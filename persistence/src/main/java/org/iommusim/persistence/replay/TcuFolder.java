package org.iommusim.persistence.replay;

import org.iommusim.persistence.tcu.Tcu;
import org.iommusim.persistence.tcu.TcuEvent;
import org.iommusim.persistence.tcu.TcuSnapshot;
import org.iommusim.protocol.capability.TcuCaches;

/**
 * Rebuilds an SMMU's TCU caches ({@code smmu-<n>/tcu}) with
 * {@link Tcu#restore} and {@link Tcu#apply}. A log starts with the caches'
 * shapes ({@link TcuEvent.Configured}); a configuration of other shapes
 * starts a new, empty TCU, as the model does.
 */
public final class TcuFolder implements StateFolder<ReplayedTcu> {
    @Override
    public ReplayedTcu initial() {
        return new ReplayedTcu(new Tcu(TcuCaches.defaults()));
    }

    @Override
    public ReplayedTcu restore(Object snapshot, String where) {
        if (snapshot instanceof TcuSnapshot s) {
            return new ReplayedTcu(Tcu.restore(s));
        }
        throw new JournalReadException(where + " is not a TCU snapshot: " + snapshot.getClass().getSimpleName());
    }

    @Override
    public ReplayedTcu apply(ReplayedTcu state, Object event) {
        if (!(event instanceof TcuEvent e)) {
            throw new WrongKind("a TCU", event);
        }
        if (e instanceof TcuEvent.Configured c && !c.shape().equals(state.tcu().shape())) {
            return new ReplayedTcu(new Tcu(c.shape()));
        }
        return new ReplayedTcu(state.tcu(), state.tcu().apply(e));
    }

    /** The state after the event: it names what the event displaced (the TCU itself is changed in place). */
    @Override
    public Object context(ReplayedTcu before, ReplayedTcu after) {
        return after;
    }
}
