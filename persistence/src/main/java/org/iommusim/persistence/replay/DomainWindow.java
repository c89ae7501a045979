package org.iommusim.persistence.replay;

import java.util.ArrayList;
import java.util.List;
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
            unmaps.addAll(((Unmapped) t.change()).segments());
        }
    }

    private boolean overlapsUnmaps(List<MapSegment> segments) {
        for (MapSegment m : segments) {
            for (UnmapSegment u : unmaps) {
                // unsigned: IOVAs may use the top bit
                if (Long.compareUnsigned(m.iova(), u.iova() + u.size()) < 0
                        && Long.compareUnsigned(u.iova(), m.iova() + m.size()) < 0) {
                    return true;
                }
            }
        }
        return false;
    }

    private void flush() {
        if (!maps.isEmpty()) {
            state = state.apply(new DomainEvent.TableChanged(new Mapped(maps)));
            maps.clear();
        }
        if (!unmaps.isEmpty()) {
            state = state.apply(new DomainEvent.TableChanged(new Unmapped(unmaps)));
            unmaps.clear();
        }
    }
}
