package org.iommusim.protocol.command;

import java.util.ArrayList;
import java.util.List;
import org.iommusim.protocol.domain.Granule;

/**
 * Builds the TLBI sequence the Linux arm-smmu-v3 driver sends to invalidate
 * {@code [start, start + size)}, so driver models and tests send what a real
 * kernel would.
 *
 * <ul>
 *   <li>With RIL: range commands. {@code SCALE} is the lowest set bit of the
 *       remaining page count, {@code NUM} the next five bits minus one; the
 *       address advances by {@code num << (scale + pageShift)}. A leaf
 *       invalidation carries the TTL of the leaf size; a non-leaf one has
 *       TTL=0 and, when the count's low five bits are exactly 1, one extra page
 *       so the first command is not the reserved TTL=NUM=SCALE=0.</li>
 *   <li>Without RIL: one command per leaf, unless the range reaches
 *       {@link #LINUX_MAX_TLBI_OPS} pages: then one whole-context command. Linux
 *       tests {@code size >= CMDQ_MAX_TLBI_OPS * PAGE_SIZE}, so exactly 512 pages
 *       already switches (the reference's "above 512" read as Linux's {@code >=}).</li>
 * </ul>
 */
public final class RangeInvalidation {
    /** Linux's CMDQ_MAX_TLBI_OPS for 4K kernel pages. */
    public static final int LINUX_MAX_TLBI_OPS = 512;

    private RangeInvalidation() {}

    /** Leaf invalidation of pages of the granule's page size. */
    public static List<TlbiCommand> build(RangeTarget target, long start, long size, Granule granule, boolean leaf,
            boolean ril) {
        return build(target, start, size, granule, granule.pageSize(), leaf, ril);
    }

    /**
     * @param leafSize the size of the leaf entries being invalidated (Linux's
     *                 {@code granule} argument), e.g. 4K or a 2M block
     */
    public static List<TlbiCommand> build(RangeTarget target, long start, long size, Granule granule, long leafSize,
            boolean leaf, boolean ril) {
        long page = granule.pageSize();
        if (size <= 0) {
            throw new IllegalArgumentException("invalidation size must be positive, got " + size);
        }
        if ((start & (page - 1)) != 0 || (size & (page - 1)) != 0) {
            throw new IllegalArgumentException("start 0x" + Long.toHexString(start) + " and size 0x"
                    + Long.toHexString(size) + " must be multiples of the " + granule.label() + " page");
        }
        granule.levelOf(leafSize); // rejects a leaf size the granule cannot have
        return ril ? withRil(target, start, size, granule, leafSize, leaf)
                : withoutRil(target, start, size, page, leafSize, leaf);
    }

    private static List<TlbiCommand> withoutRil(RangeTarget target, long start, long size, long page, long leafSize,
            boolean leaf) {
        if (size / page >= LINUX_MAX_TLBI_OPS) {
            return List.of(target.wholeContext());
        }
        List<TlbiCommand> out = new ArrayList<>();
        long step = Math.max(leafSize, page);
        for (long off = 0; off < size; off += step) {
            out.add(target.at(start + off, leaf, TlbiRange.NONE));
        }
        return out;
    }

    private static List<TlbiCommand> withRil(RangeTarget target, long start, long size, Granule granule, long leafSize,
            boolean leaf) {
        int tgShift = granule.pageShift();
        long numPages = size >>> tgShift;
        int ttl = 0;
        if (leaf) {
            ttl = granule.levelOf(leafSize);
        } else if ((numPages & 31) == 1) {
            numPages++;
        }
        List<TlbiCommand> out = new ArrayList<>();
        long iova = start;
        long end = start + size;
        while (Long.compareUnsigned(iova, end) < 0 && numPages > 0) {
            int scale = Long.numberOfTrailingZeros(numPages);
            if (scale > 31) {
                // SCALE has five bits: a span this large cannot be encoded, so invalidate the context.
                return List.of(target.wholeContext());
            }
            long num = (numPages >>> scale) & 31;
            out.add(target.at(iova, leaf, new TlbiRange(granule.tg(), scale, (int) num - 1, ttl)));
            iova += num << (scale + tgShift);
            numPages -= num << scale;
        }
        return out;
    }
}
