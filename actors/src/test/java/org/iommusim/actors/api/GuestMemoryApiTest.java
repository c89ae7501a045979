package org.iommusim.actors.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.iommusim.protocol.capability.SmmuCapabilities;
import org.iommusim.protocol.command.CfgiSte;
import org.iommusim.protocol.command.CmdSync;
import org.iommusim.protocol.command.TlbiNhVa;
import org.iommusim.protocol.config.Cd;
import org.iommusim.protocol.config.S1Dss;
import org.iommusim.protocol.config.Ste;
import org.iommusim.protocol.domain.DomainId;
import org.iommusim.protocol.domain.DomainSpec;
import org.iommusim.protocol.domain.Granule;
import org.iommusim.protocol.domain.MapBatch;
import org.iommusim.protocol.domain.Prot;
import org.iommusim.protocol.event.EventClass;
import org.iommusim.protocol.event.FTranslation;
import org.iommusim.protocol.event.FWalkEabt;
import org.iommusim.protocol.event.SmmuEvent;
import org.iommusim.protocol.memory.GuestMemory;
import org.iommusim.protocol.memory.GuestMemoryException;
import org.iommusim.protocol.translate.Access;
import org.iommusim.protocol.translate.Faulted;
import org.iommusim.protocol.translate.Translated;
import org.iommusim.protocol.translate.TranslationPath;
import org.iommusim.protocol.translate.TranslationRequest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A guest that owns its stage-1 tables, in the embedder's memory (issue Q, point 2), through the facade on
 * the LevelDB journal: the SMMU reads the guest's descriptors through {@link GuestMemory}, each table IPA
 * through stage 2; a PTE the guest changes without a TLBI stays stale, the TLBI and CMD_SYNC make the new one
 * seen; a table outside stage 2 is a stage-2 fault with CLASS=TT and the IPA; a refused read is F_WALK_EABT.
 */
class GuestMemoryApiTest {
    static final DomainId S2 = DomainId.of(2);
    static final DomainId S1 = DomainId.of(3);
    static final int SID = 7;
    static final int VMID = 9;
    static final int ASID = 5;
    /** The guest's table pool: IPA TTB0 + 0x1000 * k, at PA POOL_PA + 0x1000 * k for k = 0..4. */
    static final long TTB0 = 0x2000_0000L;
    static final long POOL_PA = 0x9100_0000L;
    static final long IPA_A = 0x1_0000_0000L;
    static final long IPA_B = 0x1_0000_1000L;
    static final long PA = 0x8_0000_0000L;
    /** L0[0] -> pool 1, L1[1] -> pool 2, L2[0] -> pool 3 (the page), L2[1] -> pool 5 (beyond stage 2), L2[2] -> pool 4 (refused). */
    static final long IOVA = 0x4000_0000L;
    static final long IOVA_NO_S2 = 0x4020_0000L;
    static final long IOVA_REFUSED = 0x4040_0000L;
    static final long AF = 1L << 10;
    static final long AP_UNPRIV = 1L << 6;

    /** The guest's RAM as the embedder holds it: descriptors by PA; the pool's page 4 refuses reads. */
    static final class GuestRam implements GuestMemory {
        final Map<Long, Long> words = new ConcurrentHashMap<>();

        void writeAtIpa(long ipa, long descriptor) {
            words.put(POOL_PA + (ipa - TTB0), descriptor);
        }

        @Override
        public long readDescriptor(long address) {
            if (address >= POOL_PA + 0x4000 && address < POOL_PA + 0x5000) {
                throw new GuestMemoryException(address, "a device region, not RAM");
            }
            return words.getOrDefault(address, 0L);
        }

        /** The guest's tables: IOVA's page to {@code ipa}, and the two faulting paths. */
        GuestRam build(long ipa) {
            writeAtIpa(TTB0, (TTB0 + 0x1000) | 3);
            writeAtIpa(TTB0 + 0x1000 + 8, (TTB0 + 0x2000) | 3);
            writeAtIpa(TTB0 + 0x2000, (TTB0 + 0x3000) | 3);
            writeAtIpa(TTB0 + 0x2000 + 8, (TTB0 + 0x5000) | 3);
            writeAtIpa(TTB0 + 0x2000 + 16, (TTB0 + 0x4000) | 3);
            page(ipa);
            return this;
        }

        void page(long ipa) {
            writeAtIpa(TTB0 + 0x3000, ipa | 3 | AF | AP_UNPRIV);
        }
    }

    /** The SMMU, domains and stream: a nested STE whose CD says the guest's tables are at TTB0. */
    static Smmu setUp(IommuSim sim) {
        Smmu smmu = sim.addSmmu(0, SmmuCapabilities.defaults());
        sim.allocateDomain(S2, DomainSpec.stage2(Granule.G4K, 44, 48, VMID), smmu);
        sim.allocateDomain(S1, DomainSpec.nested(S2, Granule.G4K, 48, 44, ASID), smmu);
        sim.map(S2, MapBatch.single(IPA_A, PA, 0x2000, Prot.rw()));
        // pool pages 0..4 in stage 2 read-only (page 5 is not)
        sim.map(S2, MapBatch.single(TTB0, POOL_PA, 0x5000, Prot.of(Prot.READ)));
        sim.writeCd(smmu, SID, 0, Cd.of(ASID, S1).withGuestTables(TTB0));
        sim.writeSte(smmu, SID, Ste.nested(0, S1Dss.SSID0, VMID, S2));
        sim.submitAndWait(smmu, List.of(new CfgiSte(SID, false), CmdSync.poll()));
        return smmu;
    }

    static long out(IommuSim sim, Smmu smmu, long iova) {
        return assertInstanceOf(Translated.class, sim.translate(smmu, TranslationRequest.of(SID, iova, Access.READ)))
                .outputAddress();
    }

    @Test
    void aGuestPteChangeIsStaleUntilTheGuestsTlbiAndSync(@TempDir Path dir) {
        try (IommuSim sim = IommuSim.start(ModelOptions.at(dir).withWorkers(1))) {
            Smmu smmu = setUp(sim);
            assertSame(GuestMemory.NONE, sim.guestMemory(smmu));
            GuestRam ram = new GuestRam().build(IPA_A);
            sim.setGuestMemory(smmu, ram);
            assertSame(ram, sim.guestMemory(smmu));
            assertEquals(PA + 0x18, out(sim, smmu, IOVA + 0x18));
            ram.page(IPA_B); // the guest remaps the page, no TLBI yet
            assertEquals(PA + 0x18, out(sim, smmu, IOVA + 0x18), "the TLB serves the old translation");
            sim.submitAndWait(smmu, List.of(TlbiNhVa.of(VMID, ASID, IOVA, true), CmdSync.poll()));
            assertEquals(PA + 0x1018, out(sim, smmu, IOVA + 0x18), "after TLBI and CMD_SYNC the new one");
            // the detail of a walk names each guest descriptor by its IPA, after the stage-2 walk of that IPA:
            // after a TLBI with LEAF=1 the table descriptors above stay in the TCU's walk caches (level 2 hit),
            // after one with LEAF=0 the walk reads every level again
            sim.submitAndWait(smmu, List.of(TlbiNhVa.of(VMID, ASID, IOVA, true), CmdSync.poll()));
            TranslationDetail d = sim.translateDetailed(smmu, TranslationRequest.of(SID, IOVA + 0x18, Access.READ));
            assertEquals(TranslationPath.TLB_MISS, d.path());
            assertEquals(2, d.walk().stage1WalkCacheHitLevel());
            assertEquals(List.of(TTB0 + 0x3000), stage1Addresses(d));
            sim.submitAndWait(smmu, List.of(TlbiNhVa.of(VMID, ASID, IOVA, false), CmdSync.poll()));
            d = sim.translateDetailed(smmu, TranslationRequest.of(SID, IOVA + 0x18, Access.READ));
            assertEquals(-1, d.walk().stage1WalkCacheHitLevel());
            assertEquals(List.of(TTB0, TTB0 + 0x1000 + 8, TTB0 + 0x2000, TTB0 + 0x3000), stage1Addresses(d));
        }
    }

    static List<Long> stage1Addresses(TranslationDetail d) {
        return d.walk().descriptors().stream().filter(r -> r.stage() == 1).map(r -> r.address()).toList();
    }

    @Test
    void aTableBeyondStage2IsClassTtWithTheIpaAndARefusedReadIsAWalkAbort(@TempDir Path dir) {
        try (IommuSim sim = IommuSim.start(ModelOptions.at(dir).withWorkers(1))) {
            Smmu smmu = setUp(sim);
            sim.setGuestMemory(smmu, new GuestRam().build(IPA_A));
            FTranslation f = assertInstanceOf(FTranslation.class, ((Faulted) sim.translate(smmu,
                    TranslationRequest.of(SID, IOVA_NO_S2, Access.READ))).event());
            assertTrue(f.walk().s2());
            assertEquals(EventClass.TABLE_WALK, f.walk().eventClass());
            assertEquals(TTB0 + 0x5000, f.walk().ipa(), "the IPA of the level-3 table the walk read");
            FaultDetail d = FaultDetail.of(f);
            assertEquals(java.util.Optional.of(FaultDetail.Stage.STAGE_2), d.stage());
            assertEquals(java.util.Optional.of(EventClass.TABLE_WALK), d.eventClass());
            assertEquals(java.util.OptionalLong.of(TTB0 + 0x5000), d.ipa());
            FWalkEabt a = assertInstanceOf(FWalkEabt.class, ((Faulted) sim.translate(smmu,
                    TranslationRequest.of(SID, IOVA_REFUSED, Access.READ))).event());
            assertEquals(EventClass.TABLE_WALK, a.walk().eventClass());
            assertFalse(a.walk().s2());
            List<SmmuEvent> events = sim.readEvents(smmu, 10);
            assertTrue(events.contains(f) && events.contains(a), events.toString());
        }
    }

    @Test
    void withoutMemoryAGuestTableWalkAbortsAndBadArgumentsAreRefused(@TempDir Path dir) {
        try (IommuSim sim = IommuSim.start(ModelOptions.at(dir).withWorkers(1))) {
            Smmu smmu = setUp(sim);
            assertInstanceOf(FWalkEabt.class, ((Faulted) sim.translate(smmu,
                    TranslationRequest.of(SID, IOVA, Access.READ))).event());
            assertThrows(IllegalArgumentException.class, () -> sim.setGuestMemory(smmu, null));
            assertThrows(IllegalArgumentException.class, () -> sim.setGuestMemory(null, GuestMemory.NONE));
            assertThrows(IllegalArgumentException.class, () -> Cd.of(ASID, S1).withGuestTables(-1));
        }
    }
}
