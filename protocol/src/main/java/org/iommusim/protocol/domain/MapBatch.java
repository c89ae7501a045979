package org.iommusim.protocol.domain;

import java.util.List;

/**
 * A scatter-gather map request, applied all-or-nothing: a failing element
 * leaves the domain unchanged and the reply names that element's index.
 */
public record MapBatch(List<MapSegment> segments) {
    /**
     * Copies the list.
     * @throws IllegalArgumentException if it is empty
     * @throws NullPointerException if it or a segment is null
     */
    public MapBatch {
        segments = List.copyOf(segments);
        if (segments.isEmpty()) {
            throw new IllegalArgumentException("a map batch needs at least one segment");
        }
    }

    /**
     * A batch of these segments, in order.
     * @return the batch
     * @throws IllegalArgumentException if there are none
     * @throws NullPointerException if a segment is null
     */
    public static MapBatch of(MapSegment... segments) {
        return new MapBatch(List.of(segments));
    }

    /**
     * A batch of one segment: {@code size} bytes from {@code iova} to {@code pa}.
     * @return the batch
     * @throws IllegalArgumentException if {@code prot} is null
     */
    public static MapBatch single(long iova, long pa, long size, Prot prot) {
        return of(new MapSegment(iova, pa, size, prot));
    }
}
