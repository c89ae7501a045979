package org.iommusim.actors.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.iommusim.protocol.capability.SmmuCapabilities;
import org.iommusim.protocol.command.CfgiSte;
import org.iommusim.protocol.command.CmdSync;
import org.iommusim.protocol.config.Cd;
import org.iommusim.protocol.config.S1Dss;
import org.iommusim.protocol.config.Ste;
import org.iommusim.protocol.domain.DomainId;
import org.iommusim.protocol.domain.DomainSpec;
import org.iommusim.protocol.domain.Granule;
import org.iommusim.protocol.domain.MapBatch;
import org.iommusim.protocol.domain.Prot;
import org.iommusim.protocol.translate.Access;
import org.iommusim.protocol.translate.DescriptorRead;
import org.iommusim.protocol.translate.TranslationBurst;
import org.iommusim.protocol.translate.TranslationPath;
import org.iommusim.protocol.translate.TranslationRequest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A burst's per-request walk detail (issue Q point 3): {@link TranslationBurst#descriptorReads} and
 * {@link TranslationBurst#descriptorAddress} equal what {@link IommuSim#translateDetailed} gives for the same
 * requests in the same order on a model set up the same way (LevelDB journal, deterministic mode): a nested
 * walk whose stage-1 tables are at the CD's TTB0 (addresses), a stage-1 walk (count only, addresses -1), a
 * walk that a walk-cache entry shortens, a walk that faults, TLB hits and configuration answers (0 reads).
 */
class BurstWalkDetailTest {
    private static final DomainId S1 = DomainId.of(4);
    private static final DomainId S2 = DomainId.of(2);
    private static final DomainId NESTED = DomainId.of(3);
    private static final long IOVA = 0x4000_0000L;
    private static final long CDS = 0x3000_0000L;
    private static final long TABLES = 0x2000_0000L;

    private static final List<TranslationRequest> REQUESTS = List.of(
            TranslationRequest.of(7, IOVA + 0x10, Access.READ),     // nested miss: stage-1 tables at TTB0
            TranslationRequest.of(8, IOVA, Access.READ),            // stage-1 miss: 4 reads, no addresses
            TranslationRequest.of(7, IOVA + 0x20, Access.READ),     // hit
            TranslationRequest.of(8, IOVA + 0x1000, Access.READ),   // miss from the level-2 walk-cache entry
            TranslationRequest.of(9, 0x1000, Access.READ),          // no STE: answered by the configuration
            TranslationRequest.of(8, IOVA, Access.WRITE),           // hit
            TranslationRequest.of(8, 0x7000_0000L, Access.READ));   // miss that faults (nothing mapped)

    private static Smmu setUp(IommuSim sim) {
        Smmu smmu = sim.addSmmu(0, SmmuCapabilities.defaults());
        sim.allocateDomain(S2, DomainSpec.stage2(Granule.G4K, 44, 48, 9), smmu);
        sim.allocateDomain(NESTED, DomainSpec.nested(S2, Granule.G4K, 48, 44, 5), smmu);
        sim.map(NESTED, MapBatch.single(IOVA, 0x1_0000_0000L, 0x1000, Prot.rw()));
        sim.map(S2, MapBatch.single(0x1_0000_0000L, 0x8_0000_0000L, 0x1000, Prot.rw()));
        sim.map(S2, MapBatch.single(CDS, 0x9000_0000L, 0x1000, Prot.of(Prot.READ)));
        sim.map(S2, MapBatch.single(TABLES, 0x9100_0000L, 0x4000, Prot.of(Prot.READ)));
        sim.writeCd(smmu, 7, 0, Cd.of(5, NESTED).withTtb0(TABLES));
        sim.writeSte(smmu, 7, Ste.nested(0, S1Dss.SSID0, 9, S2).withS1ContextPtr(CDS));
        sim.allocateDomain(S1, DomainSpec.stage1(Granule.G4K, 48, 48, 6), smmu);
        sim.map(S1, MapBatch.single(IOVA, 0x5000_0000L, 0x2000, Prot.rw()));
        sim.writeCd(smmu, 8, 0, Cd.of(6, S1));
        sim.writeSte(smmu, 8, Ste.stage1(0, S1Dss.SSID0));
        sim.submitAndWait(smmu, List.of(new CfgiSte(7, false), new CfgiSte(8, false), CmdSync.poll()));
        return smmu;
    }

    private static TranslationBurst answered(IommuSim sim, TranslationPort port, TranslationBurst b) {
        CompletableFuture<TranslationBurst> f = port.submit(b);
        sim.runUntilIdle();
        return f.join();
    }

    @Test
    void aBurstGivesEachWalksDescriptorCountAndAddressesAsTranslateDetailedDoes(@TempDir Path dir) {
        List<TranslationDetail> expected = new ArrayList<>();
        try (IommuSim sim = IommuSim.start(ModelOptions.at(dir.resolve("detailed")).withFsync(false).deterministic())) {
            Smmu smmu = setUp(sim);
            for (TranslationRequest r : REQUESTS) {
                expected.add(sim.translateDetailed(smmu, r));
            }
        }
        try (IommuSim sim = IommuSim.start(ModelOptions.at(dir.resolve("burst")).withFsync(false).deterministic())) {
            Smmu smmu = setUp(sim);
            TranslationPort port = sim.translationPort(smmu);
            TranslationBurst b = port.newBurst();
            REQUESTS.forEach(b::add);
            answered(sim, port, b);
            for (int i = 0; i < REQUESTS.size(); i++) {
                TranslationDetail d = expected.get(i);
                List<DescriptorRead> reads = d.walk().descriptors();
                assertEquals(d.path(), b.path(i), "request " + i);
                assertEquals(d.result(), b.result(i), "request " + i);
                assertEquals(d.descriptorReads(), b.descriptorReads(i), "request " + i + ": " + d);
                assertEquals(reads.stream().anyMatch(DescriptorRead::hasAddress), b.hasDescriptorAddresses(i));
                for (int k = 0; k < b.descriptorReads(i); k++) {
                    assertEquals(reads.get(k).address(), b.descriptorAddress(i, k), "request " + i + " read " + k);
                }
                int n = b.descriptorReads(i);
                int at = i;
                assertThrows(IndexOutOfBoundsException.class, () -> b.descriptorAddress(at, n));
            }
            // what the cases are, so the comparison above cannot pass on an empty detail
            assertEquals(TranslationPath.TLB_MISS, b.path(0));
            assertTrue(b.descriptorReads(0) > 4, "a nested walk reads stage-2 tables too: " + b.descriptorReads(0));
            assertTrue(b.hasDescriptorAddresses(0));
            List<Long> addressed = new ArrayList<>();
            for (int k = 0; k < b.descriptorReads(0); k++) {
                if (b.descriptorAddress(0, k) != -1) {
                    addressed.add(b.descriptorAddress(0, k));
                }
            }
            assertEquals(4, addressed.size(), "the 4 stage-1 descriptors have IPAs: " + addressed);
            assertEquals(TABLES, addressed.get(0), "the root table's first descriptor, at TTB0");
            assertEquals(4, b.descriptorReads(1));
            assertFalse(b.hasDescriptorAddresses(1), "a stage-1 stream's tables have no address in the model");
            assertEquals(-1, b.descriptorAddress(1, 0));
            assertEquals(TranslationPath.TLB_HIT, b.path(2));
            assertEquals(0, b.descriptorReads(2));
            assertEquals(1, b.descriptorReads(3), "the level-2 walk-cache entry leaves the leaf's read");
            assertEquals(TranslationPath.CONFIGURATION, b.path(4));
            assertEquals(0, b.descriptorReads(4));
            assertEquals(0, b.descriptorReads(5));
            assertFalse(b.translated(6));
            assertTrue(b.descriptorReads(6) > 0, "the faulting walk read descriptors");

            // the same burst again: the walks' pages are in the TLB now, and each answer resets the detail
            answered(sim, port, b);
            assertEquals(TranslationPath.TLB_HIT, b.path(0));
            assertEquals(0, b.descriptorReads(0));
            assertFalse(b.hasDescriptorAddresses(0));
            assertEquals(0, b.descriptorReads(1));
        }
    }

    /** A guest's own stage-1 tables in the embedder's memory: the burst names each guest descriptor's IPA. */
    @Test
    void aBurstWalkOfGuestTablesGivesTheirIpasAsTranslateDetailedDoes(@TempDir Path dir) {
        int sid = GuestMemoryApiTest.SID;
        long iova = GuestMemoryApiTest.IOVA;
        long ttb0 = GuestMemoryApiTest.TTB0;
        List<TranslationRequest> requests = List.of(TranslationRequest.of(sid, iova + 0x18, Access.READ),
                TranslationRequest.of(sid, iova + 0x20, Access.READ));
        // the same cold walk, per request, on a model set up the same way
        TranslationDetail d;
        try (IommuSim sim = IommuSim.start(ModelOptions.at(dir.resolve("detailed")).withFsync(false).deterministic())) {
            Smmu smmu = GuestMemoryApiTest.setUp(sim);
            sim.setGuestMemory(smmu, new GuestMemoryApiTest.GuestRam().build(GuestMemoryApiTest.IPA_A));
            d = sim.translateDetailed(smmu, requests.get(0));
        }
        try (IommuSim sim = IommuSim.start(ModelOptions.at(dir.resolve("burst")).withFsync(false).deterministic())) {
            Smmu smmu = GuestMemoryApiTest.setUp(sim);
            sim.setGuestMemory(smmu, new GuestMemoryApiTest.GuestRam().build(GuestMemoryApiTest.IPA_A));
            TranslationPort port = sim.translationPort(smmu);
            TranslationBurst b = port.newBurst();
            requests.forEach(b::add);
            answered(sim, port, b);
            assertEquals(TranslationPath.TLB_MISS, b.path(0));
            assertEquals(d.descriptorReads(), b.descriptorReads(0), d.toString());
            List<Long> stage1 = new ArrayList<>();
            for (int k = 0; k < b.descriptorReads(0); k++) {
                assertEquals(d.walk().descriptors().get(k).address(), b.descriptorAddress(0, k), "read " + k);
                if (d.walk().descriptors().get(k).stage() == 1) {
                    stage1.add(b.descriptorAddress(0, k));
                }
            }
            assertEquals(List.of(ttb0, ttb0 + 0x1000 + 8, ttb0 + 0x2000, ttb0 + 0x3000), stage1,
                    "the guest's descriptors by IPA, as GuestMemoryApiTest reads them from translateDetailed");
            assertEquals(TranslationPath.TLB_HIT, b.path(1));
            assertEquals(0, b.descriptorReads(1));
        }
    }
}
