package org.iommusim.protocol.translate;

/**
 * Where the SMMU answered a translation: what a timing model charges for it.
 */
public enum TranslationPath {
    /**
     * By the stream's configuration alone, with no TLB lookup: STE.Config BYPASS, ABORT (terminated), or a
     * configuration error (C_BAD_STE, F_STREAM_DISABLED, ...).
     */
    CONFIGURATION,
    /** By the TBU's micro-TLB or main TLB: no walk. */
    TLB_HIT,
    /** Missed the TBU's TLBs and went to the TCU, which walked (through its walk caches) or faulted. */
    TLB_MISS;

    private static final TranslationPath[] VALUES = values();

    /** The path of code {@code c} (its ordinal), for packed forms. */
    static TranslationPath ofCode(int c) {
        return VALUES[c];
    }
}
