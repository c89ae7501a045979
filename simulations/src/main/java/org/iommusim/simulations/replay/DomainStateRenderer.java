package org.iommusim.simulations.replay;

import java.util.function.Consumer;
import org.iommusim.persistence.domain.DomainState;
import org.iommusim.persistence.pagetable.LeafEntry;
import org.iommusim.persistence.pagetable.PageTable;

/**
 * A domain's state: {@code UNALLOCATED}, {@code FREED <spec>}, or
 * {@code ACTIVE <spec>}, a summary line (leaves, mapped bytes, the table
 * digest) and one line per leaf in address order:
 * {@code iova=.. size=.. level=.. pa=.. perms=rwxu area=start|end|start,end|inner}.
 */
final class DomainStateRenderer implements StateRenderer<DomainState> {

    @Override
    public void lines(DomainState state, Consumer<String> out) {
        if (state instanceof DomainState.Active a) {
            PageTable t = a.pageTable();
            out.accept("ACTIVE " + DomainEventRenderers.spec(a.spec()));
            out.accept("leaves=" + t.leafCount() + " mapped=0x" + Long.toHexString(t.mappedBytes())
                    + " digest=0x" + Long.toHexString(t.digest()));
            for (LeafEntry leaf : t.leaves()) {
                out.accept(leaf(leaf));
            }
        } else if (state instanceof DomainState.Freed f) {
            out.accept("FREED " + DomainEventRenderers.spec(f.spec()));
        } else {
            out.accept("UNALLOCATED");
        }
    }

    static String leaf(LeafEntry l) {
        String area = l.areaStart() && l.areaEnd() ? "start,end" : l.areaStart() ? "start" : l.areaEnd() ? "end" : "inner";
        return "iova=0x" + Long.toHexString(l.iova()) + " size=0x" + Long.toHexString(l.size()) + " level=" + l.level()
                + " pa=0x" + Long.toHexString(l.outputAddress()) + " perms=" + l.perms().compact() + " area=" + area;
    }
}
