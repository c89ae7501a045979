package org.iommusim.persistence.pagetable;

import java.util.List;
import org.iommusim.protocol.domain.UnmapSegment;

/**
 * An unmap batch that passed every check: each range covers whole areas and
 * holes only. How many bytes went is the difference in
 * {@link PageTable#mappedBytes()} before and after.
 */
public record Unmapped(List<UnmapSegment> segments) implements PageTableEvent {
    public Unmapped {
        segments = List.copyOf(segments);
    }
}
