package org.iommusim.actors.iommufd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.iommusim.protocol.capability.CacheShape;
import org.iommusim.protocol.capability.SmmuCapabilities;
import org.iommusim.protocol.capability.TcuCaches;
import org.iommusim.protocol.command.CfgiCd;
import org.iommusim.protocol.command.TlbiNhAsid;
import org.iommusim.protocol.config.S1Dss;
import org.iommusim.protocol.domain.Prot;
import org.iommusim.protocol.memory.GuestMemory;
import org.iommusim.protocol.translate.Access;
import org.iommusim.protocol.translate.Translated;
import org.iommusim.protocol.translate.TranslationRequest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The iommufd host with the guest's CD table and stage-1 tables in guest RAM (issue Q, point 2; QEMU's accel
 * mode): a nested HWPT made from the guest's STE (S1ContextPtr an IPA) makes the SMMU fetch the guest's CD there
 * through the nest parent's stage 2 and walk the guest's tables in the same RAM; the guest's CFGI_CD and TLBI
 * through IOMMU_HWPT_INVALIDATE (vSID and VMID rewritten by the host) make its CD change seen.
 */
class GuestMemoryHostTest {
    static final long WINDOW = 0x4000_0000L;
    static final long WINDOW_PA = 0x9_0000_0000L;
    static final long TREE_A = WINDOW;
    static final long TREE_B = WINDOW + 0x4000;
    static final long CD_IPA = WINDOW + 0x10000;
    static final long IPA_A = 0x5000_0000L;
    static final long PA = 0x8_0000_0000L;
    static final long VA = 0x1000_0000L;
    static final int ASID = 7;
    static final int VSID = 1;
    static final int PSID = 0x10;

    /** Guest RAM: doublewords by physical address. */
    static final class Ram implements GuestMemory {
        final Map<Long, Long> words = new ConcurrentHashMap<>();

        void write(long ipa, long value) {
            words.put(WINDOW_PA + (ipa - WINDOW), value);
        }

        void tree(long root, long ipa) {
            write(root + 8L * ((VA >>> 39) & 0x1FF), (root + 0x1000) | 3);
            write(root + 0x1000 + 8L * ((VA >>> 30) & 0x1FF), (root + 0x2000) | 3);
            write(root + 0x2000 + 8L * ((VA >>> 21) & 0x1FF), (root + 0x3000) | 3);
            write(root + 0x3000 + 8L * ((VA >>> 12) & 0x1FF), ipa | 3 | 1L << 10 | 1L << 6);
        }

        void cd(long ttb0) {
            write(CD_IPA, 16L | (4L << 32) | (1L << 41) | (1L << 45) | (1L << 31) | ((long) ASID << 48));
            write(CD_IPA + 8, ttb0);
        }

        @Override
        public long readDescriptor(long address) {
            return words.getOrDefault(address, 0L);
        }
    }

    static SmmuCapabilities bounded() {
        return SmmuCapabilities.builder().tcu(TcuCaches.defaults().withConfigCache(new CacheShape(64, 4))).build();
    }

    static long dma(HostFixture f, long va) {
        return assertInstanceOf(Translated.class, f.sim.translate(f.smmu, TranslationRequest.of(PSID, va, Access.READ)))
                .outputAddress();
    }

    @Test
    void aNestedHwptReadsTheGuestsCdAndTablesInGuestRam(@TempDir Path dir) {
        try (HostFixture f = new HostFixture(dir, bounded())) {
            IommufdHost h = f.host;
            Ram ram = new Ram();
            ram.tree(TREE_A, IPA_A);
            ram.tree(TREE_B, IPA_A + 0x1000);
            ram.cd(TREE_A);
            int ioas = h.ioasAlloc();
            h.ioasMap(ioas, WINDOW, WINDOW_PA, 0x100000, Prot.rw());
            h.ioasMap(ioas, IPA_A, PA, 0x2000, Prot.rw());
            int s2 = h.hwptAlloc(ioas, HwptFlags.NEST_PARENT, null);
            int viommu = h.viommuAlloc(s2);
            h.vdeviceAlloc(viommu, VSID, PSID);
            int nested = h.hwptAlloc(viommu, 0, GuestSte.stage1(CD_IPA, 0, S1Dss.SSID0).toHwptData());
            h.useGuestMemory(ram);
            h.attach(PSID, nested);
            assertEquals(PA + 0x18, dma(f, VA + 0x18));
            // the guest repoints its CD at tree B: unseen until its CFGI_CD (and the TLBI of its ASID)
            ram.cd(TREE_B);
            assertTrue(h.invalidate(viommu, List.of(new TlbiNhAsid(0, ASID).encode())).ok());
            assertEquals(PA + 0x18, dma(f, VA + 0x18), "the cached CD still names tree A");
            assertTrue(h.invalidate(viommu, List.of(new CfgiCd(VSID, 0, true).encode(),
                    new TlbiNhAsid(0, ASID).encode())).ok());
            assertEquals(PA + 0x1018, dma(f, VA + 0x18), "after the guest's CFGI_CD: tree B");
        }
    }

    @Test
    void anSmmuWithoutABoundedConfigurationCacheRefuses(@TempDir Path dir) {
        try (HostFixture f = new HostFixture(dir)) {
            IommufdException e = assertThrows(IommufdException.class, () -> f.host.useGuestMemory(new Ram()));
            assertEquals(Errno.EOPNOTSUPP, e.errno());
            assertThrows(IllegalArgumentException.class, () -> f.host.useGuestMemory(null));
        }
    }
}
