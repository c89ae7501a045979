package org.iommusim.persistence.tcu;

/**
 * What the walks of one translation cost, for its caller: descriptors read
 * from memory (walk-cache hits read none for the levels they skip) and whether
 * a walk read a freed table page. Owned by one caller at a time.
 */
public final class WalkTally {
    public int reads;
    public boolean freedTable;
    /** The stage-1 walk-cache level the last walk of guest tables resumed below, -1 for none. */
    public int guestWalkCacheHit = -1;
    /** Where each walk started and ended, when the caller asks for the detail; null on the hot path. */
    public WalkTrace trace;

    public void reset() {
        reads = 0;
        freedTable = false;
    }
}
