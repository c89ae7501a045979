package org.iommusim.protocol.config;

/**
 * How software programmed SMMU_STRTAB_BASE_CFG (Arm IHI 0070, 6.3.25; 3.3.2
 * "Multi-level Stream tables"): a linear table of 2^LOG2SIZE STEs, or a
 * two-level table whose level-1 descriptors (L1STD, {@link L1Descriptor}) each
 * cover 2^SPLIT StreamIDs with a level-2 array of STEs. The SMMU uses
 * LOG2SIZE no larger than its IDR1.SIDSIZE, whatever was written.
 *
 * @param twoLevel FMT: false 0b00 linear, true 0b01 two-level
 * @param log2Size LOG2SIZE: the table covers StreamIDs below 2^log2Size (0..32)
 * @param split    SPLIT: 6, 8 or 10 for a two-level table (the level-2 arrays of 2^SPLIT STEs:
 *                 4 KB, 16 KB or 64 KB); 0 for a linear table
 */
public record StreamTableFormat(boolean twoLevel, int log2Size, int split) {
    /**
     * Checks the fields.
     * @throws IllegalArgumentException if {@code log2Size} is outside 0..32, a two-level table's {@code split} is
     *        not 6, 8 or 10, or a linear table's is not 0
     */
    public StreamTableFormat {
        if (log2Size < 0 || log2Size > 32) {
            throw new IllegalArgumentException("LOG2SIZE=" + log2Size + " is outside 0..32");
        }
        if (twoLevel) {
            if (split != 6 && split != 8 && split != 10) {
                throw new IllegalArgumentException("SPLIT=" + split + " is not 6, 8 or 10 (the other values are reserved)");
            }
        } else if (split != 0) {
            throw new IllegalArgumentException("a linear stream table has no SPLIT; got " + split);
        }
    }

    /** A linear table of 2^log2Size STEs. */
    public static StreamTableFormat linear(int log2Size) {
        return new StreamTableFormat(false, log2Size, 0);
    }

    /** A two-level table: 2^(log2Size - split) level-1 descriptors (at least one), each for 2^split StreamIDs. */
    public static StreamTableFormat twoLevel(int log2Size, int split) {
        return new StreamTableFormat(true, log2Size, split);
    }

    /**
     * The format for a log line.
     * @return e.g. {@code linear log2size=16} or {@code 2-level log2size=16 split=8}
     */
    public String toText() {
        return twoLevel ? "2-level log2size=" + log2Size + " split=" + split : "linear log2size=" + log2Size;
    }
}
