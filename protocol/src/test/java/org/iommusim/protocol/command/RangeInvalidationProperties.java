package org.iommusim.protocol.command;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;
import org.iommusim.protocol.domain.Granule;

class RangeInvalidationProperties {

    /** A leaf range invalidation covers exactly the requested pages, contiguously, in order. */
    @Property(tries = 2000)
    void leafRangesTileTheRequestExactly(@ForAll Granule granule, @ForAll @LongRange(min = 0, max = 1L << 20) long startPage,
            @ForAll @IntRange(min = 1, max = 1 << 20) int pages) {
        long page = granule.pageSize();
        long start = startPage * page;
        List<TlbiCommand> cmds = RangeInvalidation.build(RangeTarget.stage1(0, 1), start, pages * page, granule, true, true);
        long next = start;
        for (TlbiCommand c : cmds) {
            InvalidationSpan span = c.span();
            assertEquals(next, span.first());
            next = span.last() + 1;
            assertEquals(c, CommandCodec.decode(c.encode()), "every built command is legal");
        }
        assertEquals(start + pages * page, next);
        assertTrue(cmds.size() <= 2 + 64 / 5, "at most one command per 5-bit chunk: " + cmds.size());
    }

    /** A non-leaf one may over-invalidate by at most one page, never under-invalidate. */
    @Property(tries = 1000)
    void nonLeafRangesCoverTheRequest(@ForAll @LongRange(min = 0, max = 1L << 20) long startPage,
            @ForAll @IntRange(min = 1, max = 1 << 16) int pages) {
        long start = startPage * 4096;
        List<TlbiCommand> cmds = RangeInvalidation.build(RangeTarget.stage1(0, 1), start, pages * 4096L, Granule.G4K,
                false, true);
        long first = cmds.get(0).span().first();
        long last = cmds.get(cmds.size() - 1).span().last();
        assertEquals(start, first);
        long covered = last - first + 1;
        assertTrue(covered == pages * 4096L || covered == (pages + 1) * 4096L, "covered " + covered);
        for (TlbiCommand c : cmds) {
            assertEquals(c, CommandCodec.decode(c.encode()));
        }
    }
}
