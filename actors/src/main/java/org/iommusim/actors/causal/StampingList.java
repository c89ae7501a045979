package org.iommusim.actors.causal;

import java.util.AbstractList;
import java.util.ArrayList;
import java.util.List;
import java.util.RandomAccess;
import org.iommusim.persistence.serialization.CausalStamp;

/**
 * A write-behind list of events that stamps each one as it is added, that
 * is when it was decided: a translation worker's IOTLB fills and
 * invalidations are decided at translate (or invalidate) time and written by
 * its journal later, and their place in the causal order is the former.
 * Append-only, plus {@link #clear}; {@link #stamps} runs parallel to the
 * events.
 */
public final class StampingList<E> extends AbstractList<E> implements RandomAccess {
    private final CausalClock clock;
    private final ArrayList<E> events = new ArrayList<>();
    private final ArrayList<CausalStamp> stamps = new ArrayList<>();

    public StampingList(CausalClock clock) {
        this.clock = clock;
    }

    /** The stamps of {@code events} if it is a stamping list (in order), else none: they are stamped when written. */
    public static List<CausalStamp> stampsOf(List<?> events) {
        return events instanceof StampingList<?> s ? List.copyOf(s.stamps) : List.of();
    }

    @Override
    public void add(int index, E event) {
        if (index != events.size()) {
            throw new UnsupportedOperationException("a stamping list only appends: events keep the order decided");
        }
        stamps.add(clock.next());
        events.add(event);
        modCount++;
    }

    @Override
    public E get(int index) {
        return events.get(index);
    }

    @Override
    public int size() {
        return events.size();
    }

    @Override
    public void clear() {
        events.clear();
        stamps.clear();
        modCount++;
    }
}
