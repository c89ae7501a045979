package org.iommusim.persistence.timing;

/**
 * What a translation costs by where it was answered. A TLB hit costs the
 * TBU's TLB latency. A miss crosses the TBU-TCU link to the TCU and back
 * ({@code linkNs} each way; {@link TbuTcuLink}), and at the TCU costs its
 * fixed lookup ({@code missNs}) plus one memory latency per table descriptor
 * the walk read (a walk-cache hit reads fewer; a nested walk of four levels
 * over four reads up to 24). An answer from the configuration alone (bypass,
 * abort, a configuration fault) costs a hit.
 *
 * <p>Defaults: a 10 ns hit; 8 ns a crossing (gem5's {@code ifc_smmu_lat} and
 * {@code smmu_ifc_lat}, 8 cycles each way, at 1 GHz); a 44 ns TCU lookup and
 * 55 ns a read, so a four-read miss costs 2 x 8 + 44 + 4 x 55 = 280 ns, the
 * miss cost pcie-bench measured (reference section 10). The slot counts are
 * gem5's SMMU {@code xlate_slots} and {@code ptw_slots}: 64 translations
 * (MMU-600's {@code TCUCFG_XLATE_SLOTS}, the translation requests the TCU
 * accepts from all TBUs together: the link's outstanding transactions) and 16
 * walks in flight per SMMU.
 */
public record TranslationTiming(long hitNs, long linkNs, long missNs, long memoryReadNs, int translationSlots,
        int walkSlots) {

    public TranslationTiming {
        if (hitNs < 0 || linkNs < 0 || missNs < 0 || memoryReadNs < 0) {
            throw new IllegalArgumentException("translation costs must be >= 0 ns");
        }
        if (translationSlots < 1 || walkSlots < 1) {
            throw new IllegalArgumentException("an SMMU needs at least one translation slot and one walk slot");
        }
    }

    public static TranslationTiming defaults() {
        return new TranslationTiming(10, 8, 44, 55, 64, 16);
    }

    /** A TLB hit. */
    public long hit() {
        return hitNs;
    }

    /** The TCU's part of a miss: its lookup and a walk that read {@code reads} descriptors from memory. */
    public long walk(int reads) {
        if (reads < 0) {
            throw new IllegalArgumentException("a walk reads >= 0 descriptors, got " + reads);
        }
        return missNs + reads * memoryReadNs;
    }

    /** A miss with nothing queued: the link both ways and the TCU's part (after the TLB lookup, a hit's cost). */
    public long miss(int reads) {
        return 2 * linkNs + walk(reads);
    }
}
