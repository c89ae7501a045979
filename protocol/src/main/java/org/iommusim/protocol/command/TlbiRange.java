package org.iommusim.protocol.command;

import static org.iommusim.protocol.bits.Bits.get;
import static org.iommusim.protocol.bits.Bits.put;

import java.util.Optional;
import org.iommusim.protocol.bits.TextLine;
import org.iommusim.protocol.domain.Granule;

/**
 * The range fields of an address TLBI: {@code TG} (0 = not a range),
 * {@code SCALE}, {@code NUM} and the {@code TTL} level hint. A range covers
 * {@code (NUM + 1) * 2^SCALE} pages of the TG granule.
 *
 * <p>The model refuses, as ILL, the combinations the architecture leaves
 * reserved: NUM/SCALE/TTL set while TG is 0; TTL=0 with NUM=0 and SCALE=0 in a
 * range (which Linux avoids by widening non-leaf ranges); TTL=1 with a 16K or
 * 64K granule, which has no level-1 leaves.
 */
public record TlbiRange(int tg, int scale, int num, int ttl) {
    /** Not a range: the TLBI covers one address. */
    public static final TlbiRange NONE = new TlbiRange(0, 0, 0, 0);

    /**
     * Checks the fields against their widths and the reserved combinations above.
     * @throws IllegalArgumentException if a field is out of width (TG 0..3, SCALE and NUM 0..31, TTL 0..3) or the
     *        combination is reserved
     */
    public TlbiRange {
        if (tg < 0 || tg > 3 || scale < 0 || scale > 31 || num < 0 || num > 31 || ttl < 0 || ttl > 3) {
            throw new IllegalArgumentException("range fields out of width: tg=" + tg + " scale=" + scale
                    + " num=" + num + " ttl=" + ttl);
        }
        if (tg == 0 && (scale != 0 || num != 0 || ttl != 0)) {
            throw new IllegalArgumentException("NUM/SCALE/TTL set while TG=0 (not a range): scale=" + scale
                    + " num=" + num + " ttl=" + ttl);
        }
        if (tg != 0 && ttl == 0 && num == 0 && scale == 0) {
            throw new IllegalArgumentException("range with TTL=0, NUM=0 and SCALE=0 is reserved");
        }
        if (ttl == 1 && (tg == 2 || tg == 3)) {
            throw new IllegalArgumentException("TTL=1 is reserved with TG=" + tg + ": a "
                    + Granule.fromTg(tg).orElseThrow().label() + " granule has no level-1 leaves");
        }
    }

    /**
     * A range of {@code (num + 1) * 2^scale} pages of {@code granule}.
     * @return the range fields
     * @throws IllegalArgumentException as the constructor
     * @throws NullPointerException if {@code granule} is null
     */
    public static TlbiRange of(Granule granule, int scale, int num, int ttl) {
        return new TlbiRange(granule.tg(), scale, num, ttl);
    }

    /**
     * Whether these are range fields.
     * @return true when TG is not 0
     */
    public boolean isRange() {
        return tg != 0;
    }

    /**
     * The range's page size.
     * @return the granule TG names, empty when this is not a range
     */
    public Optional<Granule> granule() {
        return Granule.fromTg(tg);
    }

    /** Pages covered: {@code (NUM + 1) * 2^SCALE}, or 1 when this is not a range. */
    public long pages() {
        return isRange() ? (long) (num + 1) << scale : 1;
    }

    /** The span of an address TLBI at {@code address} with these range fields. */
    public InvalidationSpan spanAt(long address) {
        if (!isRange()) {
            // A non-range TLBI removes every entry that translates this address, of any size.
            return InvalidationSpan.of(address, 1L << 12);
        }
        int shift = granule().orElseThrow().pageShift() + scale;
        long bytes = (long) (num + 1) << shift;
        return InvalidationSpan.of(address, bytes);
    }

    long dw0() {
        return put(num, 16, 12) | put(scale, 24, 20);
    }

    long dw1() {
        return put(ttl, 9, 8) | put(tg, 11, 10);
    }

    static TlbiRange from(long dw0, long dw1) {
        return new TlbiRange((int) get(dw1, 11, 10), (int) get(dw0, 24, 20), (int) get(dw0, 16, 12),
                (int) get(dw1, 9, 8));
    }

    void appendTo(TextLine line) {
        if (isRange()) {
            line.word("tg", granule().orElseThrow().label()).dec("scale", scale).dec("num", num)
                    .dec("ttl", ttl).dec("pages", pages());
        }
    }
}
