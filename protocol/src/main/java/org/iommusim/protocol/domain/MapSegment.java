package org.iommusim.protocol.domain;

/** One element of a scatter-gather map: {@code size} bytes from {@code iova} to {@code pa}. */
public record MapSegment(long iova, long pa, long size, Prot prot) {
    /**
     * Checks the protection only: alignment, size and address range are the domain's to check (against its granule
     * and sizes), so the refusal can name the batch index.
     * @throws IllegalArgumentException if {@code prot} is null
     */
    public MapSegment {
        if (prot == null) {
            throw new IllegalArgumentException("a map segment needs a prot");
        }
    }
}
