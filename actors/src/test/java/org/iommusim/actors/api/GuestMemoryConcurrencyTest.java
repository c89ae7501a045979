package org.iommusim.actors.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.iommusim.protocol.capability.IotlbPolicy;
import org.iommusim.protocol.capability.SmmuCapabilities;
import org.iommusim.protocol.capability.TbuTlb;
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
import org.iommusim.protocol.memory.GuestMemory;
import org.iommusim.protocol.translate.Access;
import org.iommusim.protocol.translate.Translated;
import org.iommusim.protocol.translate.TranslationRequest;
import org.iommusim.protocol.translate.TranslationResult;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two devices of one guest on two TBUs served by two workers (threaded mode), both walking the guest's
 * tables in the embedder's memory at once: every answer is right, and the first TLB miss reads the four
 * descriptors of its walk, every other one only its level-3 descriptor: the table descriptors above come from
 * the TCU's stage-1 walk caches, which both TBUs share (a walk holds the TCU's lock, so exactly one walk is first).
 */
class GuestMemoryConcurrencyTest {
    private static final DomainId S2 = DomainId.of(2);
    private static final DomainId S1 = DomainId.of(3);
    private static final long TTB0 = 0x2000_0000L;
    private static final long POOL_PA = 0x9100_0000L;
    private static final long IOVA = 0x4000_0000L;
    private static final long IPA = 0x1_0000_0000L;
    private static final long PA = 0x8_0000_0000L;
    private static final int PAGES = 64;

    @Test
    void twoWorkersWalkTheGuestsTablesAtOnce(@TempDir Path dir) throws Exception {
        TbuTlb tlb = TbuTlb.fullyAssociative(256, IotlbPolicy.LRU, 1);
        SmmuCapabilities caps = SmmuCapabilities.defaults().toBuilder().tbus(List.of(tlb, tlb))
                .streamTbus(Map.of(7, 0, 8, 1)).build();
        Map<Long, Long> ram = new ConcurrentHashMap<>();
        AtomicLong reads = new AtomicLong();
        ram.put(POOL_PA, (TTB0 + 0x1000) | 3);
        ram.put(POOL_PA + 0x1000 + 8, (TTB0 + 0x2000) | 3);
        ram.put(POOL_PA + 0x2000, (TTB0 + 0x3000) | 3);
        for (int i = 0; i < PAGES; i++) {
            ram.put(POOL_PA + 0x3000 + 8L * i, (IPA + 0x1000L * i) | 3 | 1L << 10 | 1L << 6);
        }
        GuestMemory memory = address -> {
            reads.incrementAndGet();
            return ram.getOrDefault(address, 0L);
        };
        try (IommuSim sim = IommuSim.start(ModelOptions.at(dir).withWorkers(2))) {
            Smmu smmu = sim.addSmmu(0, caps);
            sim.allocateDomain(S2, DomainSpec.stage2(Granule.G4K, 44, 48, 9), smmu);
            sim.allocateDomain(S1, DomainSpec.nested(S2, Granule.G4K, 48, 44, 5), smmu);
            sim.map(S2, MapBatch.single(IPA, PA, 0x1000L * PAGES, Prot.rw()));
            sim.map(S2, MapBatch.single(TTB0, POOL_PA, 0x4000, Prot.of(Prot.READ)));
            for (int sid : new int[] {7, 8}) {
                sim.writeCd(smmu, sid, 0, Cd.of(5, S1).withGuestTables(TTB0));
                sim.writeSte(smmu, sid, Ste.nested(0, S1Dss.SSID0, 9, S2));
                sim.submitAndWait(smmu, List.of(new CfgiSte(sid, false), CmdSync.poll()));
            }
            sim.setGuestMemory(smmu, memory);
            List<CompletableFuture<List<TranslationResult>>> answers = new ArrayList<>();
            for (int sid : new int[] {7, 8}) {
                List<TranslationRequest> burst = new ArrayList<>();
                for (int i = 0; i < PAGES; i++) {
                    burst.add(TranslationRequest.of(sid, IOVA + 0x1000L * i + 0x40, Access.READ));
                }
                answers.add(CompletableFuture.supplyAsync(() -> sim.translateBurst(smmu, burst)));
            }
            for (CompletableFuture<List<TranslationResult>> a : answers) {
                List<TranslationResult> results = a.get();
                for (int i = 0; i < PAGES; i++) {
                    assertEquals(PA + 0x1000L * i + 0x40, assertInstanceOf(Translated.class, results.get(i))
                            .outputAddress());
                }
            }
            assertEquals(4 + (2L * PAGES - 1), reads.get(),
                    "two TBUs, a miss per page each: four reads for the first walk, one for each other");
        }
    }
}
