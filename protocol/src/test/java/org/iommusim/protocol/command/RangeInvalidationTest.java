package org.iommusim.protocol.command;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.iommusim.protocol.domain.Granule;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

class RangeInvalidationTest {
    private static final long BASE = 0x1_0000_0000L;
    private static final RangeTarget S1 = RangeTarget.stage1(1, 7);
    private static final long K4 = 4096;

    private static TlbiNhVa ranged(long va, int scale, int num, int ttl) {
        return new TlbiNhVa(1, 7, va, true, new TlbiRange(1, scale, num, ttl));
    }

    private static List<TlbiCommand> ril(long pages) {
        return RangeInvalidation.build(S1, BASE, pages * K4, Granule.G4K, true, true);
    }

    @Test
    void rilOnePage() {
        assertEquals(List.of(ranged(BASE, 0, 0, 3)), ril(1));
    }

    @Test
    void ril31PagesIsOneCommandWithNum30() {
        assertEquals(List.of(ranged(BASE, 0, 30, 3)), ril(31));
    }

    @Test
    void ril32PagesIsScale5() {
        assertEquals(List.of(ranged(BASE, 5, 0, 3)), ril(32));
    }

    @Test
    void ril33PagesIsOnePageThenThirtyTwo() {
        assertEquals(List.of(ranged(BASE, 0, 0, 3), ranged(BASE + K4, 5, 0, 3)), ril(33));
    }

    @Test
    void ril512PagesIsScale9() {
        assertEquals(List.of(ranged(BASE, 9, 0, 3)), ril(512));
    }

    @Test
    void rilNonLeafOnePageAvoidsTheReservedEncoding() {
        // Linux widens a non-leaf count whose low five bits are 1, so NUM=SCALE=TTL=0 is never sent
        List<TlbiCommand> cmds = RangeInvalidation.build(S1, BASE, K4, Granule.G4K, false, true);
        assertEquals(List.of(new TlbiNhVa(1, 7, BASE, false, new TlbiRange(1, 1, 0, 0))), cmds);
    }

    @Test
    void rilBlockLeafCarriesItsLevel() {
        List<TlbiCommand> cmds = RangeInvalidation.build(S1, BASE, 4L << 20, Granule.G4K, 2L << 20, true, true);
        // 1024 pages of 4K: scale 10, num 1; TTL 2 for 2M blocks
        assertEquals(List.of(ranged(BASE, 10, 0, 2)), cmds);
    }

    @ParameterizedTest
    @EnumSource(Granule.class)
    void rilEachGranuleUsesItsTgAndPageSize(Granule g) {
        List<TlbiCommand> cmds = RangeInvalidation.build(S1, 0, 33 * g.pageSize(), g, true, true);
        assertEquals(2, cmds.size());
        TlbiNhVa first = (TlbiNhVa) cmds.get(0);
        TlbiNhVa second = (TlbiNhVa) cmds.get(1);
        assertEquals(g.tg(), first.range().tg());
        assertEquals(3, first.range().ttl());
        assertEquals(g.pageSize(), second.va());
        assertEquals(new InvalidationSpan(0, 33 * g.pageSize() - 1),
                new InvalidationSpan(first.span().first(), second.span().last()));
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 31, 32, 33, 511})
    void withoutRilOneCommandPerPage(int pages) {
        List<TlbiCommand> cmds = RangeInvalidation.build(S1, BASE, pages * K4, Granule.G4K, true, false);
        assertEquals(pages, cmds.size());
        for (int i = 0; i < pages; i++) {
            assertEquals(TlbiNhVa.of(1, 7, BASE + i * K4, true), cmds.get(i));
        }
    }

    @Test
    void withoutRilSwitchesToAsidWideAt512PagesInclusiveAsLinuxDoes() {
        assertEquals(List.of(new TlbiNhAsid(1, 7)),
                RangeInvalidation.build(S1, BASE, 512 * K4, Granule.G4K, true, false));
        assertEquals(List.of(new TlbiNhAsid(1, 7)),
                RangeInvalidation.build(S1, BASE, 513 * K4, Granule.G4K, true, false));
    }

    @Test
    void stage2FallsBackToS12Vmall() {
        assertEquals(List.of(new TlbiS12Vmall(3)),
                RangeInvalidation.build(RangeTarget.stage2(3), 0, 1024 * K4, Granule.G4K, true, false));
        assertEquals(List.of(TlbiS2Ipa.of(3, 0x2000, true)),
                RangeInvalidation.build(RangeTarget.stage2(3), 0x2000, K4, Granule.G4K, true, false));
    }

    @Test
    void unalignedStartIsRefused() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> RangeInvalidation.build(S1, BASE + 0x800, K4, Granule.G4K, true, true));
        assertEquals("start 0x100000800 and size 0x1000 must be multiples of the 4K page", e.getMessage());
        assertThrows(IllegalArgumentException.class,
                () -> RangeInvalidation.build(S1, BASE, 0, Granule.G4K, true, true));
        assertThrows(IllegalArgumentException.class,
                () -> RangeInvalidation.build(S1, 0x2000, 0x4000, Granule.G16K, true, true));
    }

    @Test
    void spanOfSingleAddressAndWholeContextCommands() {
        assertEquals(new InvalidationSpan(0x5000, 0x5FFF), TlbiNhVa.of(0, 0, 0x5000, true).span());
        assertEquals(InvalidationSpan.ALL, new TlbiNhAsid(0, 0).span());
        // 64K granule, SCALE 31, NUM 31: 32 * 2^31 * 64K = 2^52 bytes
        TlbiS2Ipa huge = new TlbiS2Ipa(0, 0, true, new TlbiRange(3, 31, 31, 3));
        assertEquals(1L << 52, huge.span().bytes());
        // a span reaching past the top of the address space is clipped, not wrapped
        TlbiNhVa top = new TlbiNhVa(0, 0, 0xFFFF_FFFF_FFFF_0000L, true, new TlbiRange(1, 4, 0, 3));
        assertEquals(-1L, top.span().last());
    }
}
