package org.iommusim.simulations.scenario;

/**
 * How long a run lasts: a number of device operations, a span of virtual
 * time, or both (whichever ends first). At least one is positive.
 */
public record RunLength(long operations, long virtualNanos) {
    public RunLength {
        if (operations <= 0 && virtualNanos <= 0) {
            throw new IllegalArgumentException("a run needs a positive operation count or virtual time");
        }
    }
}
