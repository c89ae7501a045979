package org.iommusim.protocol.command;

/**
 * The addresses a TLBI covers, as an inclusive range so that the whole
 * 64-bit space can be expressed: an IOTLB entry is removed when its own
 * range overlaps this one (and the command's tags and level hint match).
 */
public record InvalidationSpan(long first, long last) {
    /** The whole 64-bit address space. */
    public static final InvalidationSpan ALL = new InvalidationSpan(0, -1L);

    /**
     * Checks the span; both ends are unsigned and inclusive.
     * @throws IllegalArgumentException if {@code first} is above {@code last} (unsigned)
     */
    public InvalidationSpan {
        if (Long.compareUnsigned(first, last) > 0) {
            throw new IllegalArgumentException("span first 0x" + Long.toHexString(first)
                    + " is above last 0x" + Long.toHexString(last));
        }
    }

    /** {@code bytes} from {@code start}, clipped at the top of the address space. */
    public static InvalidationSpan of(long start, long bytes) {
        long last = start + bytes - 1;
        if (Long.compareUnsigned(last, start) < 0) {
            last = -1L;
        }
        return new InvalidationSpan(start, last);
    }

    /**
     * Whether the span is the whole address space.
     * @return true for {@link #ALL}
     */
    public boolean isAll() {
        return first == 0 && last == -1L;
    }

    /**
     * Whether the {@code size} bytes (at least 1) from {@code base} share an address with this span; addresses
     * compare unsigned.
     * @return true on any overlap
     */
    public boolean overlaps(long base, long size) {
        long end = base + size - 1;
        return Long.compareUnsigned(base, last) <= 0 && Long.compareUnsigned(end, first) >= 0;
    }

    /** Bytes covered, saturating at Long.MAX_VALUE for the whole space. */
    public long bytes() {
        long n = last - first + 1;
        return n <= 0 ? Long.MAX_VALUE : n;
    }
}
