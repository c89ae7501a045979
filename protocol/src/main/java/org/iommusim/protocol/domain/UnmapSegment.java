package org.iommusim.protocol.domain;

/** One element of a scatter-gather unmap: {@code size} bytes from {@code iova}. */
public record UnmapSegment(long iova, long size) {}
