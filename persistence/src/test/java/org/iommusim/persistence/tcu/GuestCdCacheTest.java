package org.iommusim.persistence.tcu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.iommusim.persistence.config.GuestCd;
import org.iommusim.persistence.config.GuestCdFetch;
import org.iommusim.persistence.pagetable.PageTable;
import org.iommusim.persistence.pagetable.WalkResult;
import org.iommusim.protocol.capability.SmmuCapabilities;
import org.iommusim.protocol.command.CfgiCd;
import org.iommusim.protocol.command.CfgiCdAll;
import org.iommusim.protocol.command.CfgiSte;
import org.iommusim.protocol.domain.DomainSpec;
import org.iommusim.protocol.domain.Granule;
import org.iommusim.protocol.domain.Prot;
import org.iommusim.protocol.memory.GuestMemory;
import org.iommusim.protocol.memory.GuestMemoryException;
import org.junit.jupiter.api.Test;

/**
 * CDs fetched from guest memory as pure rules: the architecture's CD layout decoded (C_BAD_CD for V=0 and what
 * this SMMU cannot take); the fetch through stage 2; the TCU's configuration cache keeps a usable CD until a CFGI
 * that covers it, never a fault or an unusable CD (whose bytes are logged all the same); its fill, with the 64 bytes read, rebuilds the same entry
 * through the journal's codec.
 */
class GuestCdCacheTest {
    static final SmmuCapabilities CAPS = SmmuCapabilities.defaults();
    static final long CD_IPA = 0x2001_0000L;
    static final long CD_PA = 0x9101_0000L;

    static long word0(int asid) {
        return 16L | (4L << 32) | (1L << 41) | (1L << 45) | (1L << 31) | ((long) asid << 48);
    }

    static GuestCd cd(long w0, long w1) {
        List<Long> w = new ArrayList<>(List.of(w0, w1));
        while (w.size() < 8) {
            w.add(0L);
        }
        return new GuestCd(CD_IPA, CD_PA, w);
    }

    static PageTable stage2() {
        return PageTable.empty(DomainSpec.stage2(Granule.G4K, 44, 48, 9)).map(CD_IPA, CD_PA, 0x1000,
                Prot.of(Prot.READ)).table();
    }

    @Test
    void theFieldsTheModelUsesDecodeAsLinuxWritesThem() {
        GuestCd.Usable u = assertInstanceOf(GuestCd.Usable.class,
                cd(word0(5) | (1L << 43) | (1L << 14), 0x2000_0000L | 0xF).decode(CAPS));
        GuestCd.Decoded d = u.cd();
        assertEquals(5, d.asid());
        assertEquals(0x2000_0000L, d.ttb0(), "TTB0 is bits 51:4");
        assertEquals(new GuestCd.Geometry(Granule.G4K, 48, 44), d.geometry());
        assertTrue(d.r() && d.ha() && d.epd0());
        assertEquals(Granule.G64K, ((GuestCd.Usable) cd(word0(5) | (1L << 6), 0).decode(CAPS)).cd().geometry().granule());
        assertEquals(Granule.G16K, ((GuestCd.Usable) cd(word0(5) | (2L << 6), 0).decode(CAPS)).cd().geometry().granule());
        assertEquals(48, ((GuestCd.Usable) cd(word0(5) | (6L << 32), 0).decode(CAPS)).cd().geometry().outputBits(),
                "IPS 52 bits on a 48-bit SMMU is its OAS");
        for (long bad : new long[] {word0(5) & ~(1L << 31), word0(5) & ~(1L << 41), word0(5) | (1L << 15),
                word0(5) | (3L << 6), (word0(5) & ~0x3FL) | 40, (word0(5) & ~0x3FL) | 8}) {
            assertInstanceOf(GuestCd.Bad.class, cd(bad, 0).decode(CAPS), Long.toHexString(bad));
        }
        assertInstanceOf(GuestCd.Bad.class, cd(word0(5) | (1L << 44), 0).decode(CAPS), "CD.S without stalls");
    }

    @Test
    void t0szIsBoundedByTheVaSizeNotByTheOas() {
        // a Linux guest's CD (T0SZ=16: a 48-bit VA) on an SMMU whose OAS (and so IAS) is 40 bits
        SmmuCapabilities oas40 = CAPS.toBuilder().oas(40).build();
        GuestCd.Usable u = assertInstanceOf(GuestCd.Usable.class, cd(word0(5), 0x2000_0000L).decode(oas40));
        assertEquals(new GuestCd.Geometry(Granule.G4K, 48, 40), u.cd().geometry(), "48-bit input, IPS 44 cut to 40");
        GuestCd.Bad wide = assertInstanceOf(GuestCd.Bad.class, cd((word0(5) & ~0x3FL) | 15, 0).decode(CAPS));
        assertTrue(wide.reason().contains("VA size (48 bits)"), wide.reason());
    }

    @Test
    void theTcuCachesAUsableCdUntilACoveringCfgiAndNeverAFault() throws Exception {
        Map<Long, Long> ram = new HashMap<>();
        int[] reads = new int[1];
        GuestMemory memory = a -> {
            reads[0]++;
            if (a >= CD_PA + 0x40 && a < CD_PA + 0x80) {
                throw new GuestMemoryException(a, "refused");
            }
            return ram.getOrDefault(a, 0L);
        };
        ram.put(CD_PA, word0(5));
        ram.put(CD_PA + 8, 0x2000_0000L);
        Tcu tcu = BoundedConfigCacheTest.tcu(16, 4);
        List<TcuEvent> log = new ArrayList<>();
        tcu.recordInto(log, () -> {});
        PageTable s2 = stage2();
        GuestCdFetch.Fetched f = assertInstanceOf(GuestCdFetch.Fetched.class,
                tcu.configGuestCd(7, 0, CD_IPA, s2, false, memory, CAPS));
        assertEquals(8, reads[0], "64 bytes read");
        assertEquals(CD_PA, f.cd().pa());
        ram.put(CD_PA + 8, 0x2000_4000L);
        assertEquals(f, tcu.configGuestCd(7, 0, CD_IPA, s2, false, memory, CAPS), "a hit: the CD as fetched");
        assertEquals(8, reads[0]);
        assertEquals(f.cd(), tcu.heldGuestCd(7, 0));
        tcu.invalidateConfig(new CfgiCd(7, 1, true));
        tcu.invalidateConfig(new CfgiCdAll(8));
        assertEquals(f.cd(), tcu.heldGuestCd(7, 0), "a CFGI of another CD leaves it");
        tcu.invalidateConfig(new CfgiCd(7, 0, true));
        GuestCdFetch.Fetched again = assertInstanceOf(GuestCdFetch.Fetched.class,
                tcu.configGuestCd(7, 0, CD_IPA, s2, false, memory, CAPS));
        assertEquals(0x2000_4000L, again.cd().words().get(1), "after CFGI_CD the new CD");
        tcu.invalidateConfig(new CfgiSte(7, true));
        assertNull(tcu.heldGuestCd(7, 0), "CFGI_STE removes the StreamID's CDs");
        // faults and unusable CDs are answered, never cached
        GuestCdFetch.Stage2Fault s = assertInstanceOf(GuestCdFetch.Stage2Fault.class,
                tcu.configGuestCd(7, 2, CD_IPA + 0x1000, s2, false, memory, CAPS));
        assertEquals(WalkResult.WalkFault.Kind.TRANSLATION, s.fault().kind());
        assertEquals(CD_IPA + 0x1000, s.ipa());
        GuestCdFetch.Abort a = assertInstanceOf(GuestCdFetch.Abort.class,
                tcu.configGuestCd(7, 1, CD_IPA + 0x40, s2, false, memory, CAPS));
        assertEquals(CD_PA + 0x40, a.pa());
        assertInstanceOf(GuestCdFetch.Fetched.class, tcu.configGuestCd(7, 3, CD_IPA + 0xC0, s2, false, memory, CAPS));
        assertNull(tcu.heldGuestCd(7, 1));
        assertNull(tcu.heldGuestCd(7, 2));
        assertNull(tcu.heldGuestCd(7, 3), "CD 3 is zeroes: V=0, not cached");
        // the log rebuilds the entries, the fetched bytes through the codec
        Tcu replayed = BoundedConfigCacheTest.tcu(16, 4);
        for (TcuEvent e : log) {
            replayed.apply(BoundedConfigCacheTest.viaCodec(e));
        }
        assertEquals(tcu.configEntries(), replayed.configEntries());
        assertEquals(2, log.stream().filter(e -> e instanceof TcuEvent.ConfigFilled c && c.entry().guestCd() != null)
                .count());
        // the unusable CD is not cached but its bytes are logged, through the codec unchanged, for replay
        List<TcuEvent.GuestCdRead> bad = log.stream().filter(e -> e instanceof TcuEvent.GuestCdRead)
                .map(e -> (TcuEvent.GuestCdRead) e).toList();
        assertEquals(1, bad.size());
        assertEquals(new TcuEvent.GuestCdRead(7, 3, new GuestCd(CD_IPA + 0xC0, CD_PA + 0xC0, List.of(0L, 0L, 0L, 0L,
                0L, 0L, 0L, 0L))), BoundedConfigCacheTest.viaCodec(bad.get(0)));
    }
}
