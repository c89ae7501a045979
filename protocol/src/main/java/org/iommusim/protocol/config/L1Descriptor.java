package org.iommusim.protocol.config;

/**
 * A level-1 stream table descriptor (L1STD, Arm IHI 0070, 5.1) as software
 * writes it. What it says is judged when it is used, as on hardware: a SPAN of
 * 0, or above SPLIT + 1 (reserved, behaves as 0), makes it invalid, and every
 * StreamID of its range is out of range (C_BAD_STREAMID); otherwise its level-2
 * array holds 2^(SPAN-1) STEs and a StreamID beyond them is out of range too.
 *
 * @param span  SPAN, bits [4:0]
 * @param l2Ptr L2Ptr, bits [51:6]: the address of the level-2 array (64-byte aligned)
 */
public record L1Descriptor(int span, long l2Ptr) {
    /** SPAN=0: no level-2 array; every StreamID it covers is out of range. */
    public static final L1Descriptor INVALID = new L1Descriptor(0, 0);

    /**
     * Checks the fields against their widths only; whether SPAN suits SPLIT is judged at use, as on hardware.
     * @throws IllegalArgumentException if {@code span} is outside 0..31 or {@code l2Ptr} is not a 64-byte aligned
     *        address below 2^52
     */
    public L1Descriptor {
        if (span < 0 || span > 31) {
            throw new IllegalArgumentException("SPAN=" + span + " does not fit its 5 bits");
        }
        if ((l2Ptr & 0x3F) != 0 || l2Ptr >>> 52 != 0) {
            throw new IllegalArgumentException("L2Ptr=0x" + Long.toHexString(l2Ptr)
                    + " is not a 64-byte aligned address below 2^52");
        }
    }

    /** Valid under this SPLIT: SPAN is 1..SPLIT + 1. */
    public boolean valid(int split) {
        return span >= 1 && span <= split + 1;
    }

    /** The level-2 array holds the STE at {@code offset} (StreamID[SPLIT-1:0]). */
    public boolean covers(int split, int offset) {
        return valid(split) && offset >>> (span - 1) == 0;
    }

    /**
     * The descriptor for a log line.
     * @return e.g. {@code span=9 l2ptr=0x80000}
     */
    public String toText() {
        return "span=" + span + " l2ptr=0x" + Long.toHexString(l2Ptr);
    }
}
