package org.iommusim.persistence.pagetable;

import java.util.List;
import org.iommusim.protocol.domain.MapSegment;

/** A map batch that passed every check; each segment becomes one area. */
public record Mapped(List<MapSegment> segments) implements PageTableEvent {
    public Mapped {
        segments = List.copyOf(segments);
    }
}
