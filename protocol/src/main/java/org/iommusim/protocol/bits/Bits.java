package org.iommusim.protocol.bits;

/**
 * Field access inside little-endian 64-bit words, named the way the SMMUv3
 * layouts are written: {@code [hi:lo]}, inclusive.
 */
public final class Bits {
    private Bits() {}

    /** A mask of bits hi..lo inclusive. */
    public static long mask(int hi, int lo) {
        if (hi < lo || lo < 0 || hi > 63) {
            throw new IllegalArgumentException("bad bit range [" + hi + ":" + lo + "]");
        }
        int width = hi - lo + 1;
        long ones = width == 64 ? -1L : (1L << width) - 1;
        return ones << lo;
    }

    /** The value of field [hi:lo] of word, shifted down to bit 0. */
    public static long get(long word, int hi, int lo) {
        return (word & mask(hi, lo)) >>> lo;
    }

    /**
     * Bit {@code n} (0..63) of {@code word}.
     * @return true when it is set
     */
    public static boolean bit(long word, int n) {
        return ((word >>> n) & 1L) != 0;
    }

    /**
     * Places value into field [hi:lo]. A value wider than the field is a
     * programming error, not something to truncate silently.
     */
    public static long put(long value, int hi, int lo) {
        long fieldMask = mask(hi - lo, 0);
        if ((value & ~fieldMask) != 0) {
            throw new IllegalArgumentException(
                    "value 0x" + Long.toHexString(value) + " does not fit in [" + hi + ":" + lo + "]");
        }
        return value << lo;
    }

    /**
     * A word with only bit {@code n} set when {@code value} is true.
     * @return {@code 1L << n}, or 0
     */
    public static long put(boolean value, int n) {
        return value ? 1L << n : 0L;
    }

    /** Bits of an address field [hi:lo] kept in place (addresses are stored unshifted). */
    public static long addressField(long word, int hi, int lo) {
        return word & mask(hi, lo);
    }

    /**
     * Requires {@code min <= value <= max}.
     * @throws IllegalArgumentException if not, naming {@code name} and the range
     */
    public static void requireRange(String name, long value, long min, long max) {
        if (value < min || value > max) {
            throw new IllegalArgumentException(
                    name + "=" + value + " is outside " + min + ".." + max);
        }
    }

    /** Requires an unsigned value to fit in the given number of bits. */
    public static void requireWidth(String name, long value, int bits) {
        if (bits < 64 && (value < 0 || value >>> bits != 0)) {
            throw new IllegalArgumentException(
                    name + "=0x" + Long.toHexString(value) + " does not fit in " + bits + " bits");
        }
    }

    /** Requires an address to have only bits hi..lo set (e.g. 4K aligned, below 2^52). */
    public static void requireAddress(String name, long value, int hi, int lo) {
        if ((value & ~mask(hi, lo)) != 0) {
            throw new IllegalArgumentException(
                    name + "=0x" + Long.toHexString(value) + " has bits outside [" + hi + ":" + lo + "]");
        }
    }
}
