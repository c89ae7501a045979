package org.iommusim.protocol.domain;

import java.util.List;
import java.util.Optional;

/**
 * A VMSAv8-64 translation granule: its page size, the block sizes it can
 * map at each level, and its TLBI {@code TG} code.
 *
 * <p>Levels are numbered as in the architecture: the page (last) level is 3;
 * each level above resolves {@code pageShift - 3} more address bits.
 */
public enum Granule {
    /** 4 KiB pages; 1 GiB and 2 MiB blocks; TG=1. */
    G4K(12, 1, List.of(1L << 30, 1L << 21, 1L << 12)),
    /** 16 KiB pages; 32 MiB blocks; TG=2. */
    G16K(14, 2, List.of(1L << 25, 1L << 14)),
    /** 64 KiB pages; 512 MiB blocks; TG=3. */
    G64K(16, 3, List.of(1L << 29, 1L << 16));

    private final int pageShift;
    private final int tg;
    private final List<Long> leafSizes;

    Granule(int pageShift, int tg, List<Long> leafSizes) {
        this.pageShift = pageShift;
        this.tg = tg;
        this.leafSizes = leafSizes;
    }

    /**
     * log2 of the page size.
     * @return 12, 14 or 16
     */
    public int pageShift() {
        return pageShift;
    }

    /**
     * The page size.
     * @return 4096, 16384 or 65536 bytes
     */
    public long pageSize() {
        return 1L << pageShift;
    }

    /** Address bits resolved by one table level (512, 2048 or 8192 entries). */
    public int bitsPerLevel() {
        return pageShift - 3;
    }

    /** The TLBI {@code TG} field for a range invalidation in this granule (1, 2, 3). */
    public int tg() {
        return tg;
    }

    /** Sizes a leaf may have, largest first: blocks, then the page. */
    public List<Long> leafSizes() {
        return leafSizes;
    }

    /** The table level whose entries each cover {@code size} bytes (3 for a page). */
    public int levelOf(long size) {
        int shift = Long.numberOfTrailingZeros(size);
        if (Long.bitCount(size) != 1 || shift < pageShift || (shift - pageShift) % bitsPerLevel() != 0) {
            throw new IllegalArgumentException("0x" + Long.toHexString(size) + " is not a level size of " + this);
        }
        return 3 - (shift - pageShift) / bitsPerLevel();
    }

    /** Bytes covered by one entry at {@code level}. */
    public long entrySize(int level) {
        if (level < 0 || level > 3) {
            throw new IllegalArgumentException("level " + level + " is outside 0..3");
        }
        int shift = pageShift + (3 - level) * bitsPerLevel();
        return shift >= 63 ? Long.MIN_VALUE : 1L << shift;
    }

    /** The first level a walk of an {@code ias}-bit input space starts at. */
    public int startLevel(int ias) {
        int levels = (ias - pageShift + bitsPerLevel() - 1) / bitsPerLevel();
        return 4 - levels;
    }

    /**
     * The short name used in configuration and text lines.
     * @return {@code 4K}, {@code 16K} or {@code 64K}
     */
    public String label() {
        return switch (this) {
            case G4K -> "4K";
            case G16K -> "16K";
            case G64K -> "64K";
        };
    }

    /**
     * The granule a TLBI TG field names.
     * @return it for 1, 2 or 3; empty for 0 (not a range) and anything else
     */
    public static Optional<Granule> fromTg(int tg) {
        for (Granule g : values()) {
            if (g.tg == tg) {
                return Optional.of(g);
            }
        }
        return Optional.empty();
    }

    /**
     * The granule with this label or constant name, case-insensitive ({@code 4k}, {@code G4K}).
     * @return it, or empty for an unknown or null label
     */
    public static Optional<Granule> fromLabel(String label) {
        for (Granule g : values()) {
            if (g.label().equalsIgnoreCase(label) || g.name().equalsIgnoreCase(label)) {
                return Optional.of(g);
            }
        }
        return Optional.empty();
    }
}
