package org.iommusim.actors.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.iommusim.protocol.capability.CacheShape;
import org.iommusim.protocol.capability.SmmuCapabilities;
import org.iommusim.protocol.capability.TcuCaches;
import org.iommusim.protocol.command.CfgiCd;
import org.iommusim.protocol.command.CfgiSte;
import org.iommusim.protocol.command.CmdSync;
import org.iommusim.protocol.command.Command;
import org.iommusim.protocol.command.TlbiNhAll;
import org.iommusim.protocol.command.TlbiNhAsid;
import org.iommusim.protocol.config.S1Dss;
import org.iommusim.protocol.config.Ste;
import org.iommusim.protocol.domain.DomainId;
import org.iommusim.protocol.domain.DomainSpec;
import org.iommusim.protocol.domain.Granule;
import org.iommusim.protocol.domain.MapBatch;
import org.iommusim.protocol.domain.Prot;
import org.iommusim.protocol.event.CBadCd;
import org.iommusim.protocol.event.CBadSte;
import org.iommusim.protocol.event.EventClass;
import org.iommusim.protocol.event.FCdFetch;
import org.iommusim.protocol.event.FPermission;
import org.iommusim.protocol.event.FTranslation;
import org.iommusim.protocol.event.SmmuEvent;
import org.iommusim.protocol.memory.GuestMemory;
import org.iommusim.protocol.memory.GuestMemoryException;
import org.iommusim.protocol.translate.Access;
import org.iommusim.protocol.translate.Faulted;
import org.iommusim.protocol.translate.Translated;
import org.iommusim.protocol.translate.TranslationRequest;
import org.iommusim.protocol.translate.TranslationResult;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A guest that owns its CD table too (issue Q, point 2), on the LevelDB journal: the SMMU fetches the CD from the
 * embedder's memory through stage 2 (STE.S1ContextPtr an IPA), decodes the architecture's layout and walks the
 * guest's tables at CD.TTB0; the configuration cache keeps the CD, so a guest's CD change is seen only after
 * CFGI_CD; a stage-2 fault on the fetch is CLASS=CD, S2=1 with the IPA; a refused read is F_CD_FETCH; an invalid
 * or ILLEGAL CD is C_BAD_CD.
 */
class GuestCdApiTest {
    static final DomainId S2 = DomainId.of(2);
    static final int SID = 7;
    static final int VMID = 9;
    static final int ASID = 5;
    /** The guest's RAM window: IPA WINDOW + x is PA WINDOW_PA + x, read-only in stage 2 (1 MiB). */
    static final long WINDOW = 0x2000_0000L;
    static final long WINDOW_PA = 0x9100_0000L;
    /** Table tree A at window pages 0-3 maps IOVA to IPA_A; tree B at pages 4-7 maps it to IPA_B. */
    static final long TREE_A = WINDOW;
    static final long TREE_B = WINDOW + 0x4000;
    /** The CD table: CD k at CD_IPA + 64 k. */
    static final long CD_IPA = WINDOW + 0x10000;
    /** A window page whose reads the memory refuses (a device region). */
    static final long REFUSED_IPA = WINDOW + 0x20000;
    /** An IPA stage 2 does not map. */
    static final long UNMAPPED_IPA = 0x3000_0000L;
    static final long IPA_A = 0x1_0000_0000L;
    static final long IPA_B = 0x1_0000_1000L;
    static final long PA = 0x8_0000_0000L;
    static final long IOVA = 0x4000_0000L;
    static final long AF = 1L << 10;
    static final long AP_UNPRIV = 1L << 6;

    /** The CD's doubleword 0 as Linux writes it for a 48-bit 4K regime: T0SZ 16, IPS 44 bits, AA64, R, A, V. */
    static long cdWord0(int asid) {
        return 16L | (4L << 32) | (1L << 41) | (1L << 45) | (1L << 46) | (1L << 31) | ((long) asid << 48);
    }

    /** The guest's RAM: doublewords by PA; reads counted by PA; the REFUSED page refuses. */
    static final class GuestRam implements GuestMemory {
        final Map<Long, Long> words = new ConcurrentHashMap<>();
        final Map<Long, AtomicInteger> reads = new ConcurrentHashMap<>();

        void write(long ipa, long value) {
            words.put(WINDOW_PA + (ipa - WINDOW), value);
        }

        int readsAt(long ipa) {
            AtomicInteger n = reads.get(WINDOW_PA + (ipa - WINDOW));
            return n == null ? 0 : n.get();
        }

        @Override
        public long readDescriptor(long address) {
            if (address >= WINDOW_PA + (REFUSED_IPA - WINDOW) && address < WINDOW_PA + (REFUSED_IPA - WINDOW) + 0x1000) {
                throw new GuestMemoryException(address, "a device region, not RAM");
            }
            reads.computeIfAbsent(address, a -> new AtomicInteger()).incrementAndGet();
            return words.getOrDefault(address, 0L);
        }

        /** A 4-level tree at {@code root} (4 pages) mapping IOVA's 4K page to {@code ipa}. */
        void tree(long root, long ipa) {
            write(root, (root + 0x1000) | 3);
            write(root + 0x1000 + 8, (root + 0x2000) | 3);
            write(root + 0x2000, (root + 0x3000) | 3);
            write(root + 0x3000, ipa | 3 | AF | AP_UNPRIV);
        }

        /** CD {@code index} of the table at {@code table}: doublewords 0 and 1 (the rest zero). */
        void cd(long table, int index, long word0, long ttb0) {
            write(table + 64L * index, word0);
            write(table + 64L * index + 8, ttb0);
        }

        static GuestRam standard() {
            GuestRam ram = new GuestRam();
            ram.tree(TREE_A, IPA_A);
            ram.tree(TREE_B, IPA_B);
            ram.cd(CD_IPA, 0, cdWord0(ASID), TREE_A);
            return ram;
        }
    }

    static SmmuCapabilities bounded() {
        return SmmuCapabilities.builder().tcu(TcuCaches.defaults().withConfigCache(new CacheShape(64, 4))).build();
    }

    /** Stage 2 (the guest's RAM window read-only, IPA_A/IPA_B read-write); the STE of {@code sid}: CDs at {@code cdTable}. */
    static Smmu setUp(IommuSim sim, SmmuCapabilities caps) {
        Smmu smmu = sim.addSmmu(0, caps);
        sim.allocateDomain(S2, DomainSpec.stage2(Granule.G4K, 44, 48, VMID), smmu);
        sim.map(S2, MapBatch.single(IPA_A, PA, 0x2000, Prot.rw()));
        sim.map(S2, MapBatch.single(WINDOW, WINDOW_PA, 0x100000, Prot.of(Prot.READ)));
        stream(sim, smmu, SID, CD_IPA);
        return smmu;
    }

    static void stream(IommuSim sim, Smmu smmu, int sid, long cdTable) {
        sim.writeSte(smmu, sid, Ste.nested(0, S1Dss.SSID0, VMID, S2).withGuestCds(cdTable));
        sim.submitAndWait(smmu, List.of(new CfgiSte(sid, false), CmdSync.poll()));
    }

    static TranslationResult translate(IommuSim sim, Smmu smmu, int sid, long iova) {
        return sim.translate(smmu, TranslationRequest.of(sid, iova, Access.READ));
    }

    static long out(IommuSim sim, Smmu smmu, long iova) {
        return assertInstanceOf(Translated.class, translate(sim, smmu, SID, iova)).outputAddress();
    }

    static void submit(IommuSim sim, Smmu smmu, Command... commands) {
        sim.submitAndWait(smmu, List.of(commands));
    }

    @Test
    void theCdIsFetchedThroughStage2AndCachedUntilTheGuestsCfgiCd(@TempDir Path dir) {
        try (IommuSim sim = IommuSim.start(ModelOptions.at(dir).withWorkers(1))) {
            Smmu smmu = setUp(sim, bounded());
            GuestRam ram = GuestRam.standard();
            sim.setGuestMemory(smmu, ram);
            assertEquals(PA + 0x18, out(sim, smmu, IOVA + 0x18));
            assertEquals(1, ram.readsAt(CD_IPA), "the CD fetched once");
            assertEquals(1, ram.readsAt(CD_IPA + 56), "all 64 bytes of it");
            assertEquals(1, ram.readsAt(TREE_A + 0x3000), "its TTB0's tables walked");
            // the guest points its CD at tree B without CFGI_CD; the TLB flush makes the next access walk again
            ram.cd(CD_IPA, 0, cdWord0(ASID), TREE_B);
            submit(sim, smmu, new TlbiNhAll(VMID), CmdSync.poll());
            assertEquals(PA + 0x18, out(sim, smmu, IOVA + 0x18), "the cached CD: tree A still");
            assertEquals(1, ram.readsAt(CD_IPA), "a configuration-cache hit reads no guest memory");
            assertEquals(2, ram.readsAt(TREE_A + 0x3000));
            // with CFGI_CD (and the TLBI the guest's driver sends after it) the new CD is fetched and used
            submit(sim, smmu, new CfgiCd(SID, 0, true), new TlbiNhAll(VMID), CmdSync.poll());
            assertEquals(PA + 0x1018, out(sim, smmu, IOVA + 0x18), "the new CD: tree B");
            assertEquals(2, ram.readsAt(CD_IPA));
            assertEquals(1, ram.readsAt(TREE_B + 0x3000));
            // the CD's ASID tags the TLB entries: a TLBI of another ASID leaves them, one of this ASID removes them
            ram.tree(TREE_B, IPA_A);
            submit(sim, smmu, new TlbiNhAsid(VMID, ASID + 1), CmdSync.poll());
            assertEquals(PA + 0x1018, out(sim, smmu, IOVA + 0x18), "another ASID's TLBI: the entry stays");
            submit(sim, smmu, new TlbiNhAsid(VMID, ASID), CmdSync.poll());
            assertEquals(PA + 0x18, out(sim, smmu, IOVA + 0x18), "this ASID's TLBI: walked again");
        }
    }

    @Test
    void aFetchStage2RefusesIsClassCdWithTheIpaAndIsNotCached(@TempDir Path dir) {
        try (IommuSim sim = IommuSim.start(ModelOptions.at(dir).withWorkers(1))) {
            Smmu smmu = setUp(sim, bounded());
            GuestRam ram = GuestRam.standard();
            sim.setGuestMemory(smmu, ram);
            stream(sim, smmu, 8, UNMAPPED_IPA);
            FTranslation f = assertInstanceOf(FTranslation.class,
                    assertInstanceOf(Faulted.class, translate(sim, smmu, 8, IOVA)).event());
            assertTrue(f.walk().s2());
            assertEquals(EventClass.CD_FETCH, f.walk().eventClass());
            assertEquals(UNMAPPED_IPA, f.walk().ipa());
            assertEquals(IOVA, f.iova(), "the transaction's own input address");
            FaultDetail d = FaultDetail.of(f);
            assertEquals(java.util.Optional.of(FaultDetail.Stage.STAGE_2), d.stage());
            assertEquals(java.util.OptionalLong.of(UNMAPPED_IPA), d.ipa());
            // the VMM maps the CD's page (read-only is enough): the next transaction fetches again, no CFGI needed
            sim.map(S2, MapBatch.single(UNMAPPED_IPA, WINDOW_PA + (CD_IPA - WINDOW), 0x1000, Prot.of(Prot.READ)));
            assertEquals(PA + 0x18, assertInstanceOf(Translated.class, translate(sim, smmu, 8, IOVA + 0x18))
                    .outputAddress());
            // a CD page stage 2 maps without read permission: F_PERMISSION, CLASS=CD
            long writeOnly = 0x3100_0000L;
            sim.map(S2, MapBatch.single(writeOnly, WINDOW_PA + (CD_IPA - WINDOW), 0x1000, Prot.of(Prot.WRITE)));
            stream(sim, smmu, 9, writeOnly);
            FPermission p = assertInstanceOf(FPermission.class,
                    assertInstanceOf(Faulted.class, translate(sim, smmu, 9, IOVA)).event());
            assertEquals(EventClass.CD_FETCH, p.walk().eventClass());
            assertEquals(writeOnly, p.walk().ipa());
            List<SmmuEvent> events = sim.readEvents(smmu, 10);
            assertTrue(events.contains(f) && events.contains(p), events.toString());
        }
    }

    @Test
    void aRefusedReadIsFCdFetchAndAnInvalidOrIllegalCdIsCBadCd(@TempDir Path dir) {
        try (IommuSim sim = IommuSim.start(ModelOptions.at(dir).withWorkers(1))) {
            Smmu smmu = setUp(sim, bounded());
            GuestRam ram = GuestRam.standard();
            sim.setGuestMemory(smmu, ram);
            stream(sim, smmu, 8, REFUSED_IPA);
            FCdFetch a = assertInstanceOf(FCdFetch.class,
                    assertInstanceOf(Faulted.class, translate(sim, smmu, 8, IOVA)).event());
            assertEquals(WINDOW_PA + (REFUSED_IPA - WINDOW), a.fetchAddress(), "the CD's physical address");
            FaultDetail fetch = FaultDetail.of(a);
            assertEquals(java.util.OptionalLong.of(a.fetchAddress()), fetch.fetchAddress(), "typed, from the record");
            assertTrue(fetch.stage().isEmpty() && fetch.ipa().isEmpty(), "a fetch abort is no translation fault");
            // CD 1 of a second table: V=0; CD 2: AA64=0; CD 3: TG0=3 (reserved); CD 4: T0SZ 40 (a 24-bit input)
            long table = CD_IPA + 0x1000;
            ram.cd(table, 0, cdWord0(ASID) & ~(1L << 31), TREE_A);
            ram.cd(table, 1, cdWord0(ASID) & ~(1L << 41), TREE_A);
            ram.cd(table, 2, cdWord0(ASID) | (3L << 6), TREE_A);
            ram.cd(table, 3, (cdWord0(ASID) & ~0x3FL) | 40, TREE_A);
            for (int k = 0; k < 4; k++) {
                int sid = 10 + k;
                stream(sim, smmu, sid, table + 64L * k);
                assertInstanceOf(CBadCd.class, assertInstanceOf(Faulted.class, translate(sim, smmu, sid, IOVA)).event(),
                        "CD " + k);
            }
            // a valid CD there after all: an invalid one was not cached, so it is fetched again
            ram.cd(table, 0, cdWord0(ASID), TREE_A);
            assertEquals(PA, assertInstanceOf(Translated.class, translate(sim, smmu, 10, IOVA)).outputAddress());
        }
    }

    @Test
    void theUnboundedConfigurationCacheTakesNoGuestCdAndBadStesAreRefused(@TempDir Path dir) {
        try (IommuSim sim = IommuSim.start(ModelOptions.at(dir).withWorkers(1))) {
            Smmu smmu = setUp(sim, SmmuCapabilities.defaults());
            sim.setGuestMemory(smmu, GuestRam.standard());
            assertInstanceOf(CBadSte.class, assertInstanceOf(Faulted.class, translate(sim, smmu, SID, IOVA)).event());
            assertThrows(IllegalArgumentException.class, () -> Ste.stage2(VMID, S2).withGuestCds(CD_IPA));
            assertThrows(IllegalArgumentException.class,
                    () -> Ste.nested(0, S1Dss.SSID0, VMID, S2).withGuestCds(CD_IPA + 8));
        }
    }
}
