package org.iommusim.persistence.replay;

import org.iommusim.persistence.stream.StreamEvent;
import org.iommusim.persistence.stream.StreamState;

/** Rebuilds a stream ({@code smmu-<n>/sid-<sid>}) with {@link StreamState#apply}. */
public final class StreamFolder implements StateFolder<StreamState> {

    @Override
    public StreamState initial() {
        return StreamState.EMPTY;
    }

    @Override
    public StreamState restore(Object snapshot, String where) {
        if (snapshot instanceof StreamState s) {
            return s;
        }
        throw new JournalReadException(where + " is not a stream snapshot: " + snapshot.getClass().getSimpleName());
    }

    @Override
    public StreamState apply(StreamState state, Object event) {
        if (!(event instanceof StreamEvent e)) {
            throw new WrongKind("a stream", event);
        }
        return state.apply(e);
    }
}
