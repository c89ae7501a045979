package org.iommusim.protocol.domain;

import java.util.List;

/**
 * A scatter-gather map request, applied all-or-nothing: a failing element
 * leaves the domain unchanged and the reply names that element's index.
 */
public record MapBatch(List<MapSegment> segments) {
    public MapBatch {
        segments = List.copyOf(segments);
        if (segments.isEmpty()) {
            throw new IllegalArgumentException("a map batch needs at least one segment");
        }
    }

    public static MapBatch of(MapSegment... segments) {
        return new MapBatch(List.of(segments));
    }

    public static MapBatch single(long iova, long pa, long size, Prot prot) {
        return of(new MapSegment(iova, pa, size, prot));
    }
}
