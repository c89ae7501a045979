package org.iommusim.persistence.replay;

import java.util.List;

/**
 * A {@link StateFolder} that can apply several consecutive events at once,
 * faster than one by one (e.g. one page-table edit instead of one per
 * event). {@link #applyWindow} must give exactly the state applying the
 * events in order gives; when it throws, the replay applies the same events
 * one by one instead, so a bad record is still named exactly.
 */
public interface WindowedFolder<S> extends StateFolder<S> {

    /** How many consecutive events to hand over at most. */
    int window();

    /** The state after {@code events}, in order; throws as {@link #apply} would. */
    S applyWindow(S state, List<Object> events);
}
