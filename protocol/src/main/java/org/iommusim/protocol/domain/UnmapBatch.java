package org.iommusim.protocol.domain;

import java.util.List;

/** A scatter-gather unmap request, applied all-or-nothing like {@link MapBatch}. */
public record UnmapBatch(List<UnmapSegment> segments) {
    public UnmapBatch {
        segments = List.copyOf(segments);
        if (segments.isEmpty()) {
            throw new IllegalArgumentException("an unmap batch needs at least one segment");
        }
    }

    public static UnmapBatch of(UnmapSegment... segments) {
        return new UnmapBatch(List.of(segments));
    }

    public static UnmapBatch single(long iova, long size) {
        return of(new UnmapSegment(iova, size));
    }
}
