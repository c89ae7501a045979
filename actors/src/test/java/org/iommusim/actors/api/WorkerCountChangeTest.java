package org.iommusim.actors.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.iommusim.protocol.capability.IotlbPolicy;
import org.iommusim.protocol.capability.SmmuCapabilities;
import org.iommusim.protocol.capability.TbuTlb;
import org.iommusim.protocol.command.CfgiSte;
import org.iommusim.protocol.command.CmdSync;
import org.iommusim.protocol.command.TlbiNhAsid;
import org.iommusim.protocol.config.Cd;
import org.iommusim.protocol.config.S1Dss;
import org.iommusim.protocol.config.Ste;
import org.iommusim.protocol.domain.DomainId;
import org.iommusim.protocol.domain.DomainSpec;
import org.iommusim.protocol.domain.Granule;
import org.iommusim.protocol.domain.MapBatch;
import org.iommusim.protocol.domain.MapSegment;
import org.iommusim.protocol.domain.Prot;
import org.iommusim.protocol.domain.UnmapBatch;
import org.iommusim.protocol.translate.Access;
import org.iommusim.protocol.translate.TranslationRequest;
import org.iommusim.protocol.translate.TranslationResult;
import org.iommusim.protocol.translate.Translated;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Each TBU's TLB is {@code smmu-<n>/tbu-<k>}. A run with fewer TBUs does not
 * serve the TLBs beyond them, so they see no invalidation; a later run with
 * more TBUs must not bring their entries back: 4 TBUs (stream 1 on TBU 3) on
 * 4 workers fill, 2 TBUs on 2 workers unmap, remap elsewhere and invalidate
 * (TLBI + CMD_SYNC acknowledged), 4 TBUs on 4 workers translate again.
 */
class WorkerCountChangeTest {
    private static final SmmuCapabilities FOUR = tbus(4, 3);
    private static final SmmuCapabilities TWO = tbus(2, 0);
    private static final DomainId D = DomainId.of(1);
    private static final int PAGES = 64;
    private static final long IOVA = 0x1000_0000L;
    private static final long OLD_PA = 0x8000_0000L;
    private static final long NEW_PA = 0x9000_0000L;

    private static SmmuCapabilities tbus(int n, int tbuOfStream1) {
        List<TbuTlb> tbus = new ArrayList<>();
        for (int k = 0; k < n; k++) {
            tbus.add(TbuTlb.fullyAssociative(256, IotlbPolicy.LRU, k));
        }
        return SmmuCapabilities.builder().tbus(tbus).streamTbus(java.util.Map.of(1, tbuOfStream1)).build();
    }

    @Test
    void noInvalidatedEntryComesBackWhenTheTbuOrWorkerCountChanges(@TempDir Path dir) {
        Path data = dir.resolve("data");
        try (IommuSim sim = IommuSim.start(ModelOptions.at(data).withWorkers(4))) {
            Smmu smmu = sim.addSmmu(0, FOUR);
            sim.allocateDomain(D, DomainSpec.stage1(Granule.G4K, 48, 48, 5), smmu);
            sim.map(D, pages(OLD_PA));
            sim.writeCd(smmu, 1, 0, Cd.of(5, D));
            sim.writeSte(smmu, 1, Ste.stage1(0, S1Dss.SSID0));
            sim.submitAndWait(smmu, List.of(new CfgiSte(1, false), CmdSync.poll()));
            assertEquals(PAGES, countAt(sim.translateBurst(smmu, requests()), OLD_PA), "filled TBU 3");
            assertEquals(PAGES, sim.statistics(smmu).tbus().get(3).tlb().entries());
        }
        try (IommuSim sim = IommuSim.start(ModelOptions.at(data).withWorkers(2))) {
            Smmu smmu = sim.addSmmu(0, TWO);
            sim.unmap(D, UnmapBatch.single(IOVA, PAGES * 0x1000L));
            sim.map(D, pages(NEW_PA));
            sim.submitAndWait(smmu, List.of(new TlbiNhAsid(0, 5), CmdSync.poll()));
            assertEquals(PAGES, countAt(sim.translateBurst(smmu, requests()), NEW_PA), "invalidated with 2 TBUs");
        }
        try (IommuSim sim = IommuSim.start(ModelOptions.at(data).withWorkers(4))) {
            Smmu smmu = sim.addSmmu(0, FOUR);
            List<TranslationResult> results = sim.translateBurst(smmu, requests());
            assertEquals(0, countAt(results, OLD_PA), "pre-invalidation addresses after 4 -> 2 -> 4 TBUs");
            assertEquals(PAGES, countAt(results, NEW_PA));
        }
    }

    private static MapBatch pages(long pa) {
        List<MapSegment> segments = new ArrayList<>();
        for (int i = 0; i < PAGES; i++) {
            segments.add(new MapSegment(IOVA + i * 0x1000L, pa + i * 0x1000L, 0x1000, Prot.rw()));
        }
        return new MapBatch(segments);
    }

    private static List<TranslationRequest> requests() {
        List<TranslationRequest> out = new ArrayList<>();
        for (int i = 0; i < PAGES; i++) {
            out.add(TranslationRequest.of(1, IOVA + i * 0x1000L + 0x10, Access.READ));
        }
        return out;
    }

    /** Results whose output address lies in the PAGES pages at {@code pa}. */
    private static int countAt(List<TranslationResult> results, long pa) {
        int n = 0;
        for (TranslationResult r : results) {
            long out = assertInstanceOf(Translated.class, r, r.toString()).outputAddress();
            if (out >= pa && out < pa + PAGES * 0x1000L) {
                n++;
            }
        }
        return n;
    }
}
