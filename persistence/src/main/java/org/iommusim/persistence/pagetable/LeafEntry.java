package org.iommusim.persistence.pagetable;

import org.iommusim.protocol.translate.Perms;

/**
 * One block or page of a table, as a listing shows it.
 *
 * @param iova          where the leaf starts
 * @param size          bytes it maps
 * @param level         its table level (3 for a page)
 * @param outputAddress where it maps to
 * @param areaStart     it is the first leaf of its area
 * @param areaEnd       it is the last leaf of its area
 * @param descriptor    the raw descriptor
 */
public record LeafEntry(long iova, long size, int level, long outputAddress, Perms perms,
                        boolean areaStart, boolean areaEnd, long descriptor) {}
