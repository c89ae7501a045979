package org.iommusim.actors.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import org.iommusim.protocol.capability.SmmuCapabilities;
import org.iommusim.protocol.command.CfgiSte;
import org.iommusim.protocol.command.CmdSync;
import org.iommusim.protocol.command.CommandErrorCode;
import org.iommusim.protocol.command.TlbiEl2All;
import org.iommusim.protocol.config.Cd;
import org.iommusim.protocol.config.S1Dss;
import org.iommusim.protocol.config.Ste;
import org.iommusim.protocol.domain.DomainId;
import org.iommusim.protocol.domain.DomainSpec;
import org.iommusim.protocol.domain.Granule;
import org.iommusim.protocol.domain.MapBatch;
import org.iommusim.protocol.domain.Prot;
import org.iommusim.protocol.domain.UnmapBatch;
import org.iommusim.protocol.event.EventClass;
import org.iommusim.protocol.event.EventId;
import org.iommusim.protocol.event.EventKind;
import org.iommusim.protocol.translate.Access;
import org.iommusim.protocol.translate.Terminated;
import org.iommusim.protocol.translate.TranslationBurst;
import org.iommusim.protocol.translate.TranslationPath;
import org.iommusim.protocol.translate.TranslationRequest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The embedding API's read-only views (issue Q, points 3 and 4), on the
 * LevelDB journal: {@link IommuSim#translateDetailed} says where each
 * translation was answered and how many descriptors its walk read, and
 * types its fault (stage, CLASS, IPA, input address) without parsing text;
 * {@link IommuSim#smmuView}, {@link IommuSim#mappings} and
 * {@link IommuSim#idAllocations} show the SMMU, a domain and the allocator
 * in API records only.
 */
class PublicViewsTest {
    private static final DomainId S2 = DomainId.of(2);
    private static final DomainId NESTED = DomainId.of(3);
    private static final DomainId S1 = DomainId.of(4);
    private static final long CDS = 0x3000_0000L;
    private static final long TABLES = 0x2000_0000L;
    private static final long IOVA = 0x4000_0000L;

    @Test
    void translateDetailedGivesThePathTheWalkAndTypedFaults(@TempDir Path dir) {
        try (IommuSim sim = IommuSim.start(ModelOptions.at(dir).withFsync(false).deterministic())) {
            Smmu smmu = sim.addSmmu(0, SmmuCapabilities.defaults());
            sim.allocateDomain(S2, DomainSpec.stage2(Granule.G4K, 44, 48, 9), smmu);
            sim.allocateDomain(NESTED, DomainSpec.nested(S2, Granule.G4K, 48, 44, 5), smmu);
            sim.map(NESTED, MapBatch.single(IOVA, 0x1_0000_0000L, 0x1000, Prot.rw()));
            sim.map(S2, MapBatch.single(0x1_0000_0000L, 0x8_0000_0000L, 0x1000, Prot.rw()));
            sim.writeCd(smmu, 7, 0, Cd.of(5, NESTED).withTtb0(TABLES));
            sim.writeSte(smmu, 7, Ste.nested(0, S1Dss.SSID0, 9, S2).withS1ContextPtr(CDS));
            sim.allocateDomain(S1, DomainSpec.stage1(Granule.G4K, 48, 48, 6), smmu);
            sim.map(S1, MapBatch.single(IOVA, 0x5000_0000L, 0x1000, Prot.of(Prot.READ)));
            sim.writeCd(smmu, 8, 0, Cd.of(6, S1));
            sim.writeSte(smmu, 8, Ste.stage1(0, S1Dss.SSID0));
            sim.writeSte(smmu, 9, Ste.bypass());
            sim.writeSte(smmu, 10, Ste.abort());
            sim.submitAndWait(smmu, List.of(new CfgiSte(7, false), new CfgiSte(8, false), new CfgiSte(9, false),
                    new CfgiSte(10, false), CmdSync.poll()));

            // the CD's IPA is not mapped in stage 2: CLASS=CD, stage 2, the IPA of the fetch
            TranslationRequest dma = TranslationRequest.of(7, IOVA + 0x10, Access.READ);
            TranslationDetail cd = sim.translateDetailed(smmu, dma);
            FaultDetail f = cd.fault().orElseThrow();
            assertEquals(EventId.F_TRANSLATION, f.id());
            assertEquals(EventKind.TRANSLATION_FAULT, f.kind());
            assertEquals(Optional.of(FaultDetail.Stage.STAGE_2), f.stage());
            assertTrue(f.isStage2());
            assertEquals(Optional.of(EventClass.CD_FETCH), f.eventClass());
            assertEquals(OptionalLong.of(CDS), f.ipa());
            assertEquals(OptionalLong.of(IOVA + 0x10), f.inputAddress());
            assertEquals(7, f.sid());
            assertEquals(OptionalLong.empty(), f.ssid());
            assertEquals(TranslationPath.TLB_MISS, cd.path());
            assertFalse(cd.translated());

            // the CD readable, the table pool not: CLASS=TT with the IPA of a table descriptor
            sim.map(S2, MapBatch.single(CDS, 0x9000_0000L, 0x1000, Prot.of(Prot.READ)));
            FaultDetail tt = sim.translateDetailed(smmu, dma).fault().orElseThrow();
            assertEquals(Optional.of(EventClass.TABLE_WALK), tt.eventClass());
            assertEquals(Optional.of(FaultDetail.Stage.STAGE_2), tt.stage());
            long ipa = tt.ipa().orElseThrow();
            assertTrue(ipa >= TABLES && ipa < TABLES + 0x4000, "a descriptor in the table pool: " + Long.toHexString(ipa));

            // everything readable: a walk that reads descriptors, then a TLB hit that reads none
            sim.map(S2, MapBatch.single(TABLES, 0x9100_0000L, 0x4000, Prot.of(Prot.READ)));
            TranslationDetail miss = sim.translateDetailed(smmu, dma);
            assertEquals(TranslationPath.TLB_MISS, miss.path());
            assertTrue(miss.descriptorReads() > 4, "a nested walk reads stage-1 and stage-2 descriptors: " + miss);
            assertEquals(OptionalLong.of(0x8_0000_0010L), miss.outputAddress());
            assertEquals(Optional.empty(), miss.fault());
            TranslationDetail hit = sim.translateDetailed(smmu, dma);
            assertEquals(TranslationPath.TLB_HIT, hit.path());
            assertEquals(0, hit.descriptorReads());
            assertEquals(miss.outputAddress(), hit.outputAddress());

            // a stage-1 permission fault: stage 1, CLASS=IN, no IPA
            FaultDetail s1 = sim.translateDetailed(smmu, TranslationRequest.of(8, IOVA, Access.WRITE)).fault().orElseThrow();
            assertEquals(EventId.F_PERMISSION, s1.id());
            assertEquals(Optional.of(FaultDetail.Stage.STAGE_1), s1.stage());
            assertEquals(Optional.of(EventClass.INPUT_ADDRESS), s1.eventClass());
            assertEquals(OptionalLong.empty(), s1.ipa());
            assertEquals(s1, FaultDetail.of(sim.translate(smmu, TranslationRequest.of(8, IOVA, Access.WRITE))).orElseThrow(),
                    "the same fields from a plain translate's result");

            // answered by the configuration: bypass translates, abort terminates without an event
            TranslationDetail bypass = sim.translateDetailed(smmu, TranslationRequest.of(9, 0x1234, Access.READ));
            assertEquals(TranslationPath.CONFIGURATION, bypass.path());
            assertEquals(OptionalLong.of(0x1234), bypass.outputAddress());
            TranslationDetail abort = sim.translateDetailed(smmu, TranslationRequest.of(10, 0x1234, Access.READ));
            assertEquals(TranslationPath.CONFIGURATION, abort.path());
            assertInstanceOf(Terminated.class, abort.result());
            assertEquals(Optional.empty(), abort.fault());

            // an STE that is not valid: a configuration error has no stage, CLASS or addresses
            FaultDetail bad = sim.translateDetailed(smmu, TranslationRequest.of(11, 0, Access.READ)).fault().orElseThrow();
            assertEquals(EventKind.CONFIGURATION, bad.kind());
            assertEquals(Optional.empty(), bad.stage());
            assertEquals(Optional.empty(), bad.eventClass());
            assertEquals(OptionalLong.empty(), bad.inputAddress());

            // a burst's answers carry their path too, at no cost to the hot path
            sim.map(S1, MapBatch.single(IOVA + 0x2000, 0x5000_2000L, 0x1000, Prot.of(Prot.READ)));
            TranslationPort port = sim.translationPort(smmu);
            TranslationBurst burst = port.newBurst();
            burst.add(7, IOVA + 0x10, Access.READ);      // in the TLB since the walk above
            burst.add(8, IOVA + 0x2000, Access.READ);    // never translated: a miss and a walk
            burst.add(9, 0x1234, Access.READ);           // bypass
            burst.add(11, 0, Access.READ);               // C_BAD_STE
            var answered = port.submit(burst);
            sim.runUntilIdle();
            assertTrue(answered.isDone(), "answered while the model ran");
            assertEquals(List.of(TranslationPath.TLB_HIT, TranslationPath.TLB_MISS, TranslationPath.CONFIGURATION,
                    TranslationPath.CONFIGURATION), List.of(burst.path(0), burst.path(1), burst.path(2), burst.path(3)));
            assertEquals(0x5000_2000L, burst.outputAddress(1));
            assertEquals(EventKind.CONFIGURATION, FaultDetail.of(burst.result(3)).orElseThrow().kind());

            // the event queue holds the records the details were read from
            SmmuView view = sim.smmuView(smmu);
            assertTrue(view.eventQueue().records().containsAll(List.of(f.record(), tt.record(), s1.record())), view.toString());
            assertEquals(Ste.bypass(), view.streams().get(9).ste());
            assertEquals(Cd.of(6, S1), view.streams().get(8).cds().get(0));
            assertFalse(view.streams().containsKey(11), "nothing was loaded for SID 11");
            assertThrows(IllegalArgumentException.class, () -> sim.translateDetailed(smmu, null));
        }
    }

    @Test
    void smmuViewMappingsAndIdAllocationsShowTheModelInApiRecords(@TempDir Path dir) {
        try (IommuSim sim = IommuSim.start(ModelOptions.at(dir).withFsync(false).deterministic())) {
            Smmu smmu = sim.addSmmu(0, SmmuCapabilities.defaults());
            sim.allocateDomain(S1, DomainSpec.stage1(Granule.G4K, 48, 48, 6), smmu);
            sim.map(S1, MapBatch.single(IOVA, 0x5000_0000L, 0x2000, Prot.rw()));
            sim.map(S1, MapBatch.single(IOVA + 0x10_0000, 0x6000_0000L, 0x1000, Prot.of(Prot.READ)));
            sim.unmap(S1, UnmapBatch.single(IOVA, 0x2000));
            Mappings m = sim.mappings(S1).orElseThrow();
            assertEquals(List.of(new Mappings.Mapping(IOVA + 0x10_0000, 0x1000, 3, 0x6000_0000L, m.mappings().get(0).perms())),
                    m.mappings());
            assertTrue(m.mappings().get(0).perms().read() && !m.mappings().get(0).perms().write());
            assertEquals(0x1000, m.bytesMapped());
            assertEquals(S1, m.domain());
            assertEquals(Optional.empty(), sim.mappings(DomainId.of(99)), "no such domain");

            int vmid = sim.allocateVmid(smmu);
            int asid = sim.allocateAsid(smmu);
            IdAllocations ids = sim.idAllocations(smmu);
            assertEquals(List.of(vmid), ids.vmidsInUse());
            assertEquals(List.of(asid), ids.asidsInUse());

            long prod = sim.submitAndWait(smmu, List.of(new CfgiSte(1, false), CmdSync.poll()));
            SmmuView.CommandQueue q = sim.smmuView(smmu).commandQueue();
            assertEquals(q.prod(), q.cons(), "all consumed: " + q);
            assertTrue(q.prod() >= 2 && q.pending() == 0 && !q.halted(), q.toString());
            sim.submit(smmu, List.of(new TlbiEl2All())); // no HYP: CERROR_ILL
            SmmuView halted = sim.smmuView(smmu);
            assertTrue(halted.commandQueue().halted());
            assertEquals(CommandErrorCode.ILL, halted.commandQueue().error().orElseThrow().code());
            assertEquals(halted.commandQueue().cons(), halted.commandQueue().error().orElseThrow().index());
            assertTrue(halted.syncsCompleted() >= 1, halted.toString());
            assertTrue(prod >= 0);
        }
    }
}
