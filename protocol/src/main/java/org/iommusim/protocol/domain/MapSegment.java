package org.iommusim.protocol.domain;

/** One element of a scatter-gather map: {@code size} bytes from {@code iova} to {@code pa}. */
public record MapSegment(long iova, long pa, long size, Prot prot) {
    public MapSegment {
        if (prot == null) {
            throw new IllegalArgumentException("a map segment needs a prot");
        }
    }
}
