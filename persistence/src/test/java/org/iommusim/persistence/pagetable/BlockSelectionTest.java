package org.iommusim.persistence.pagetable;

import static org.junit.jupiter.api.Assertions.*;

import java.util.List;
import org.iommusim.protocol.domain.DomainSpec;
import org.iommusim.protocol.domain.Granule;
import org.iommusim.protocol.domain.Prot;
import org.junit.jupiter.api.Test;

/** Map picks the largest leaf that IOVA alignment, PA alignment and the remaining size allow. */
class BlockSelectionTest {
    private static final long K4 = 1L << 12, K16 = 1L << 14, K64 = 1L << 16;
    private static final long M2 = 1L << 21, M32 = 1L << 25, M512 = 1L << 29, G1 = 1L << 30;

    private static List<Long> leafSizes(Granule g, long iova, long pa, long size) {
        PageTable t = PageTable.empty(DomainSpec.stage2(g, 48, 48, 1)).map(iova, pa, size, Prot.rw()).table();
        assertEquals(size, t.mappedBytes());
        return t.leaves().stream().map(LeafEntry::size).toList();
    }

    @Test
    void aligned4MiBIsTwo2MiBBlocks() {
        assertEquals(List.of(M2, M2), leafSizes(Granule.G4K, 4 * M2, 8 * M2, 2 * M2));
    }

    @Test
    void paMisalignedBy4KiBForcesPages() {
        List<Long> sizes = leafSizes(Granule.G4K, 4 * M2, 8 * M2 + K4, 2 * M2);
        assertEquals(1024, sizes.size());
        assertTrue(sizes.stream().allMatch(s -> s == K4));
    }

    @Test
    void iovaMisalignedBy4KiBForcesPages() {
        assertEquals(512, leafSizes(Granule.G4K, M2 + K4, 0, M2).size());
    }

    @Test
    void oneGiBPlusAPageIsABlockAndAPage() {
        assertEquals(List.of(G1, K4), leafSizes(Granule.G4K, G1, 2 * G1, G1 + K4));
    }

    @Test
    void pagesThenBlocksThenPagesAsAlignmentAllows() {
        // 2M - 4K .. 2M+2M+4K: one page up to the 2M boundary, one 2M block, one page
        assertEquals(List.of(K4, M2, K4), leafSizes(Granule.G4K, M2 - K4, 3 * M2 - K4, M2 + 2 * K4));
    }

    @Test
    void gigabyteBlockNeedsGigabyteAlignedPa() {
        List<Long> sizes = leafSizes(Granule.G4K, G1, M2, G1);
        assertEquals(512, sizes.size());
        assertTrue(sizes.stream().allMatch(s -> s == M2));
    }

    @Test
    void sixteenKGranuleUses32MiBBlocks() {
        assertEquals(List.of(M32, K16), leafSizes(Granule.G16K, M32, M32, M32 + K16));
        assertEquals(M32 / K16, leafSizes(Granule.G16K, M32, M32 + K16, M32).size());
    }

    @Test
    void sixtyFourKGranuleUses512MiBBlocks() {
        assertEquals(List.of(K64, M512), leafSizes(Granule.G64K, M512 - K64, 2 * M512 - K64, M512 + K64));
    }

    @Test
    void blocksSitAtTheirArchitecturalLevel() {
        PageTable t = PageTable.empty(DomainSpec.stage1(Granule.G4K, 48, 48, 1)).map(G1, G1, G1 + M2 + K4, Prot.rw()).table();
        assertEquals(List.of(1, 2, 3), t.leaves().stream().map(LeafEntry::level).toList());
        assertEquals(List.of(true, false, false), t.leaves().stream().map(LeafEntry::areaStart).toList());
        assertEquals(List.of(false, false, true), t.leaves().stream().map(LeafEntry::areaEnd).toList());
    }
}
