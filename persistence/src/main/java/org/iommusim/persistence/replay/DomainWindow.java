package org.iommusim.persistence.replay;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.iommusim.persistence.domain.DomainEvent;
import org.iommusim.persistence.domain.DomainState;
import org.iommusim.persistence.pagetable.Mapped;
import org.iommusim.persistence.pagetable.Unmapped;
import org.iommusim.protocol.domain.MapSegment;
import org.iommusim.protocol.domain.UnmapSegment;

/**
 * Applies a run of domain events as few page-table edits: each edit of an
 * immutable table copies the path to every leaf it touches, so one edit per
 * event copies the same upper tables again and again.
 *
 * <p>Consecutive map and unmap events are gathered into one map batch
 * followed by one unmap batch, through {@link DomainState#apply} itself.
 * That reorders a map before an unmap that preceded it, which gives the same
 * table exactly when their address ranges are disjoint: leaves, area marks,
 * counts and the (additive) digest depend only on which leaves exist. So a
 * map joins the group only if it is disjoint from every unmap already in it;
 * otherwise the group is applied and a new one starts. Unmaps still follow
 * every map that preceded them, and maps and unmaps each keep their order.
 */
final class DomainWindow {
    private final List<MapSegment> maps = new ArrayList<>();
    private final List<UnmapSegment> unmaps = new ArrayList<>();
    /** The unmapped ranges of the group, merged, by start (keys and ends with the sign bit flipped: unsigned order). */
    private final TreeMap<Long, Long> unmapped = new TreeMap<>();
    private DomainState state;

    private DomainWindow(DomainState state) {
        this.state = state;
    }

    static DomainState apply(DomainState state, List<Object> events) {
        DomainWindow w = new DomainWindow(state);
        for (Object e : events) {
            w.add(e);
        }
        w.flush();
        return w.state;
    }

    private void add(Object event) {
        if (!(event instanceof DomainEvent.TableChanged t)) {
            flush();
            if (!(event instanceof DomainEvent e)) {
                throw new StateFolder.WrongKind("a domain", event);
            }
            state = state.apply(e);
            return;
        }
        if (t.change() instanceof Mapped m) {
            if (overlapsUnmaps(m.segments())) {
                flush();
            }
            maps.addAll(m.segments());
        } else {
            for (UnmapSegment u : ((Unmapped) t.change()).segments()) {
                unmaps.add(u);
                remember(u.iova() ^ Long.MIN_VALUE, (u.iova() + u.size()) ^ Long.MIN_VALUE);
            }
        }
    }

    private boolean overlapsUnmaps(List<MapSegment> segments) {
        for (MapSegment m : segments) {
            long start = m.iova() ^ Long.MIN_VALUE;
            long end = (m.iova() + m.size()) ^ Long.MIN_VALUE;
            Map.Entry<Long, Long> before = unmapped.lowerEntry(end);
            if (before != null && before.getValue() > start) {
                return true;
            }
        }
        return false;
    }

    /** Adds [start, end) to the merged ranges, so that the range starting last before a point is the only candidate. */
    private void remember(long start, long end) {
        Map.Entry<Long, Long> e = unmapped.floorEntry(start);
        if (e != null && e.getValue() >= start) {
            start = e.getKey();
            end = Math.max(end, e.getValue());
        }
        for (Map.Entry<Long, Long> n = unmapped.ceilingEntry(start); n != null && n.getKey() <= end;
                n = unmapped.ceilingEntry(start)) {
            end = Math.max(end, n.getValue());
            unmapped.remove(n.getKey());
        }
        unmapped.put(start, end);
    }

    private void flush() {
        if (!maps.isEmpty()) {
            state = state.apply(new DomainEvent.TableChanged(new Mapped(maps)));
            maps.clear();
        }
        if (!unmaps.isEmpty()) {
            state = state.apply(new DomainEvent.TableChanged(new Unmapped(unmaps)));
            unmaps.clear();
            unmapped.clear();
        }
    }
}
