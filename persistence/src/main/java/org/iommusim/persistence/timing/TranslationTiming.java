package org.iommusim.persistence.timing;

/**
 * What a translation costs by where it was answered: a TLB hit costs the
 * TLB's latency; a miss costs the TBU-TCU round trip and TCU lookup (the
 * fixed part) plus one memory latency per table descriptor the walk read
 * (a walk-cache hit reads fewer; a nested walk of four levels over four reads
 * up to 24); an answer from the configuration alone (bypass, abort, a
 * configuration fault) costs a hit. Defaults: 10 ns, 60 ns and 55 ns per read,
 * so a four-read walk costs 280 ns, the miss cost measured by pcie-bench
 * (reference section 10). The slot counts are gem5's: 64 translations and 16
 * walks in flight per SMMU.
 */
public record TranslationTiming(long hitNs, long missNs, long memoryReadNs, int translationSlots, int walkSlots) {

    public TranslationTiming {
        if (hitNs < 0 || missNs < 0 || memoryReadNs < 0) {
            throw new IllegalArgumentException("translation costs must be >= 0 ns");
        }
        if (translationSlots < 1 || walkSlots < 1) {
            throw new IllegalArgumentException("an SMMU needs at least one translation slot and one walk slot");
        }
    }

    public static TranslationTiming defaults() {
        return new TranslationTiming(10, 60, 55, 64, 16);
    }

    /** A TLB hit. */
    public long hit() {
        return hitNs;
    }

    /** A walk that read {@code reads} descriptors from memory. */
    public long walk(int reads) {
        if (reads < 0) {
            throw new IllegalArgumentException("a walk reads >= 0 descriptors, got " + reads);
        }
        return missNs + reads * memoryReadNs;
    }
}
