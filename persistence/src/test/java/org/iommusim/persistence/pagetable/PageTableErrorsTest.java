package org.iommusim.persistence.pagetable;

import static org.junit.jupiter.api.Assertions.*;

import org.iommusim.persistence.pagetable.PageTableError.Kind;
import org.iommusim.protocol.domain.DomainId;
import org.iommusim.protocol.domain.DomainSpec;
import org.iommusim.protocol.domain.Granule;
import org.iommusim.protocol.domain.MapBatch;
import org.iommusim.protocol.domain.MapSegment;
import org.iommusim.protocol.domain.Prot;
import org.iommusim.protocol.domain.UnmapBatch;
import org.iommusim.protocol.domain.UnmapSegment;
import org.junit.jupiter.api.Test;

/** Each refusal: its kind, element index, offending address and message, and that it changed nothing. */
class PageTableErrorsTest {
    private static final long K4 = 0x1000, M2 = 0x20_0000;
    private static final Prot RW = Prot.rw();

    private final PageTable empty = PageTable.empty(DomainSpec.stage1(Granule.G4K, 39, 40, 1));
    /** Element 0 is a valid page so each refusal is seen to undo it. */
    private final MapSegment fine = new MapSegment(0x7000_0000L, 0x1000, K4, RW);

    private PageTableError refusedMap(PageTable t, MapSegment bad) {
        UpdateResult r = t.map(MapBatch.of(fine, bad));
        assertSame(t, r.table());
        assertFalse(t.decideMap(MapBatch.of(fine, bad)).accepted());
        return r.error().orElseThrow();
    }

    private static PageTableError refusedUnmap(PageTable t, UnmapSegment... segments) {
        UpdateResult r = t.unmap(new UnmapBatch(java.util.List.of(segments)));
        assertSame(t, r.table());
        return r.error().orElseThrow();
    }

    private static void check(PageTableError e, Kind kind, int index, long address, String message) {
        assertEquals(kind, e.kind());
        assertEquals(index, e.index());
        assertEquals(address, e.address(), () -> "address 0x" + Long.toHexString(e.address()));
        assertEquals(message, e.message());
    }

    private PageTable mapped(long iova, long pa, long size) {
        return empty.map(iova, pa, size, RW).table();
    }

    /**
     * A wide range after a narrower one inside it, then a range inside the
     * wide one: the last finds nothing left (found by PageTableProperties,
     * seed 9104527576571757048; the batch's record of removed ranges had
     * lost the wide one).
     */
    @Test
    void unmappingWhatAnEarlierWiderElementRemovedIsEnoent() {
        PageTable t = empty;
        for (long a = 0; a < 0x40000; a += 0x10000) {
            t = t.map(a, 0x100_0000 + a, 0x10000, RW).table();
        }
        check(refusedUnmap(t, new UnmapSegment(0x10000, 0x10000), new UnmapSegment(0, 0x40000),
                new UnmapSegment(0x30000, 0x10000)), Kind.NOT_MAPPED, 2, 0x30000,
                "NOT_MAPPED (ENOENT) at element 2: unmap [0x30000, +0x10000) covers no mapping");
    }

    @Test
    void overlapWithAnExistingLeafIsEexist() {
        PageTable t = mapped(0x20_0000, 0x40_0000, M2);
        check(refusedMap(t, new MapSegment(0x1F_F000, 0, 0x2000, RW)), Kind.OVERLAP, 1, 0x20_0000,
                "OVERLAP (EEXIST) at element 1: map [0x1ff000, +0x2000) overlaps an existing mapping at 0x200000");
    }

    @Test
    void overlapWithAnEarlierSegmentOfTheSameBatchIsEexist() {
        UpdateResult r = empty.map(MapBatch.of(
                new MapSegment(0x10000, 0, 0x4000, RW), new MapSegment(0x12000, 0x8000, K4, RW)));
        check(r.error().orElseThrow(), Kind.OVERLAP, 1, 0x12000,
                "OVERLAP (EEXIST) at element 1: map [0x12000, +0x1000) overlaps an earlier segment of the same batch at 0x12000");
        assertEquals(0, r.table().leafCount());
    }

    @Test
    void unmapOfNothingIsNotMapped() {
        PageTable t = mapped(0x10000, 0, K4);
        check(refusedUnmap(t, new UnmapSegment(0x10000, K4), new UnmapSegment(0x40000, 0x4000)), Kind.NOT_MAPPED, 1, 0x40000,
                "NOT_MAPPED (ENOENT) at element 1: unmap [0x40000, +0x4000) covers no mapping");
    }

    @Test
    void unmapOfWhatAnEarlierElementUnmappedIsNotMapped() {
        PageTable t = mapped(0x10000, 0, K4);
        check(refusedUnmap(t, new UnmapSegment(0x10000, K4), new UnmapSegment(0x10000, K4)), Kind.NOT_MAPPED, 1, 0x10000,
                "NOT_MAPPED (ENOENT) at element 1: unmap [0x10000, +0x1000) covers no mapping");
    }

    @Test
    void unmapOfPartOfABlockIsPartialUnmap() {
        PageTable t = mapped(0x20_0000, 0x40_0000, M2);
        check(refusedUnmap(t, new UnmapSegment(0x20_0000, K4)), Kind.PARTIAL_UNMAP, 0, 0x20_1000,
                "PARTIAL_UNMAP (ENOENT) at element 0: unmap [0x200000, +0x1000) cuts the 2M block at 0x200000;"
                        + " unmap must cover whole areas and blocks");
        check(refusedUnmap(t, new UnmapSegment(0x30_0000, M2)), Kind.PARTIAL_UNMAP, 0, 0x30_0000,
                "PARTIAL_UNMAP (ENOENT) at element 0: unmap [0x300000, +0x200000) cuts the 2M block at 0x200000;"
                        + " unmap must cover whole areas and blocks");
    }

    @Test
    void unmapOfPartOfAnAreaOfPagesIsPartialUnmap() {
        PageTable t = mapped(0x10000, 0x10000, 0x4000);
        check(refusedUnmap(t, new UnmapSegment(0x11000, 0x3000)), Kind.PARTIAL_UNMAP, 0, 0x11000,
                "PARTIAL_UNMAP (ENOENT) at element 0: unmap [0x11000, +0x3000) starts inside an area that began below 0x11000;"
                        + " unmap must cover whole areas and blocks");
        check(refusedUnmap(t, new UnmapSegment(0x0, 0x12000)), Kind.PARTIAL_UNMAP, 0, 0x12000,
                "PARTIAL_UNMAP (ENOENT) at element 0: unmap [0x0, +0x12000) ends inside an area that continues at 0x12000;"
                        + " unmap must cover whole areas and blocks");
    }

    @Test
    void misalignedIovaPaAndSize() {
        check(refusedMap(empty, new MapSegment(0x10800, 0, K4, RW)), Kind.MISALIGNED, 1, 0x10800,
                "MISALIGNED (EINVAL) at element 1: iova 0x10800 is not a multiple of the 4K page size");
        check(refusedMap(empty, new MapSegment(0x10000, 0x200, K4, RW)), Kind.MISALIGNED, 1, 0x200,
                "MISALIGNED (EINVAL) at element 1: pa 0x200 is not a multiple of the 4K page size");
        check(refusedMap(empty, new MapSegment(0x10000, 0, 0x1800, RW)), Kind.MISALIGNED, 1, 0x11800,
                "MISALIGNED (EINVAL) at element 1: size 0x1800 is not a multiple of the 4K page size");
        PageTable g64 = PageTable.empty(DomainSpec.stage2(Granule.G64K, 40, 40, 3));
        check(refusedUnmap(g64, new UnmapSegment(0x1000, 0x10000)), Kind.MISALIGNED, 0, 0x1000,
                "MISALIGNED (EINVAL) at element 0: iova 0x1000 is not a multiple of the 64K page size");
    }

    @Test
    void iovaBeyondIas() {
        check(refusedMap(empty, new MapSegment((1L << 39) - K4, 0, 0x2000, RW)), Kind.IOVA_BEYOND_IAS, 1, 1L << 39,
                "IOVA_BEYOND_IAS (ERANGE) at element 1: iova range [0x7ffffff000, +0x2000) reaches beyond the 39-bit input size");
        check(refusedUnmap(empty, new UnmapSegment(1L << 40, K4)), Kind.IOVA_BEYOND_IAS, 0, 1L << 40,
                "IOVA_BEYOND_IAS (ERANGE) at element 0: iova range [0x10000000000, +0x1000) reaches beyond the 39-bit input size");
    }

    @Test
    void paBeyondOas() {
        check(refusedMap(empty, new MapSegment(0, (1L << 40) - K4, 0x2000, RW)), Kind.PA_BEYOND_OAS, 1, 1L << 40,
                "PA_BEYOND_OAS (ERANGE) at element 1: pa range [0xfffffff000, +0x2000) reaches beyond the 40-bit output size");
    }

    @Test
    void zeroSize() {
        check(refusedMap(empty, new MapSegment(0x10000, 0, 0, RW)), Kind.ZERO_SIZE, 1, 0x10000,
                "ZERO_SIZE (EINVAL) at element 1: segment at 0x10000 has size 0");
        check(refusedUnmap(empty, new UnmapSegment(0x10000, 0)), Kind.ZERO_SIZE, 0, 0x10000,
                "ZERO_SIZE (EINVAL) at element 0: segment at 0x10000 has size 0");
    }

    @Test
    void neitherReadNorWriteIsNoAccess() {
        check(refusedMap(empty, new MapSegment(0x10000, 0, K4, Prot.of(Prot.NOEXEC | Prot.CACHE))), Kind.NO_ACCESS, 1, 0x10000,
                "NO_ACCESS (EINVAL) at element 1: prot CACHE|NOEXEC grants neither READ nor WRITE; a map must grant some access");
    }

    @Test
    void unknownDomainIsForTheRegistry() {
        PageTableError e = PageTableError.unknownDomain(DomainId.of(7));
        assertEquals(Kind.UNKNOWN_DOMAIN, e.kind());
        assertEquals("UNKNOWN_DOMAIN (ENOENT): no domain domain-7", e.message());
    }

    @Test
    void everyKindIsDistinctAndNamed() {
        assertEquals(9, Kind.values().length);
        assertEquals("EEXIST", Kind.OVERLAP.errno());
        assertEquals("ENOENT", Kind.PARTIAL_UNMAP.errno());
    }
}
