package org.iommusim.protocol.domain;

import java.util.List;

/** A scatter-gather unmap request, applied all-or-nothing like {@link MapBatch}. */
public record UnmapBatch(List<UnmapSegment> segments) {
    /**
     * Copies the list.
     * @throws IllegalArgumentException if it is empty
     * @throws NullPointerException if it or a segment is null
     */
    public UnmapBatch {
        segments = List.copyOf(segments);
        if (segments.isEmpty()) {
            throw new IllegalArgumentException("an unmap batch needs at least one segment");
        }
    }

    /**
     * A batch of these segments, in order.
     * @return the batch
     * @throws IllegalArgumentException if there are none
     * @throws NullPointerException if a segment is null
     */
    public static UnmapBatch of(UnmapSegment... segments) {
        return new UnmapBatch(List.of(segments));
    }

    /**
     * A batch of one segment: {@code size} bytes from {@code iova}.
     * @return the batch
     */
    public static UnmapBatch single(long iova, long size) {
        return of(new UnmapSegment(iova, size));
    }
}
