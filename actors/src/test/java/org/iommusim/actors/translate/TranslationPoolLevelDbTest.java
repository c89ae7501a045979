package org.iommusim.actors.translate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.iommusim.actors.smmu.SmmuEntity;
import org.iommusim.actors.smmu.SmmuNode;
import org.iommusim.persistence.iotlb.IotlbEntry;
import org.iommusim.persistence.translate.StreamStats;
import org.iommusim.protocol.capability.SmmuCapabilities;
import org.iommusim.protocol.command.CfgiSte;
import org.iommusim.protocol.command.CmdSync;
import org.iommusim.protocol.command.TlbiNhVa;
import org.iommusim.protocol.command.TlbiS12Vmall;
import org.iommusim.protocol.command.TlbiS2Ipa;
import org.iommusim.protocol.config.Cd;
import org.iommusim.protocol.config.S1Dss;
import org.iommusim.protocol.config.Ste;
import org.iommusim.protocol.domain.DomainId;
import org.iommusim.protocol.domain.DomainSpec;
import org.iommusim.protocol.domain.Granule;
import org.iommusim.protocol.domain.MapBatch;
import org.iommusim.protocol.domain.Prot;
import org.iommusim.protocol.domain.UnmapBatch;
import org.iommusim.protocol.event.EventId;
import org.iommusim.protocol.event.FPermission;
import org.iommusim.protocol.event.FTranslation;
import org.iommusim.protocol.translate.Access;
import org.iommusim.protocol.translate.Faulted;
import org.iommusim.protocol.translate.Translated;
import org.iommusim.protocol.translate.TranslationRequest;
import org.iommusim.protocol.translate.TranslationResult;
import org.junit.jupiter.api.Test;
import org.iommusim.protocol.capability.IotlbPolicy;
import org.iommusim.protocol.capability.TbuTlb;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/** The translation pool through real actors on the LevelDB JNI journal. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TranslationPoolLevelDbTest {
    private static final SmmuCapabilities CAPS = SmmuCapabilities.defaults();
    private static final DomainId D1 = DomainId.of(1);
    private static final DomainId D2 = DomainId.of(2);
    private static final long IOVA = 0x10_0000L;
    private static final long PA = 0x8000_0000L;

    private static void attachStage1(ModelHarness h, int sid, DomainId domain, int asid) {
        h.writeCd(sid, 0, Cd.of(asid, domain));
        h.writeSte(sid, Ste.stage1(0, S1Dss.SSID0));
        h.submitAndWait(new CfgiSte(sid, false), CmdSync.poll());
    }

    @Test
    void staleEntryAfterUnmapWithoutTlbiThenFaultAfterTlbiAndSync(@TempDir Path dir) {
        ModelHarness.run(dir, CAPS, 2, h -> {
            h.allocate(D1, DomainSpec.stage1(Granule.G4K, 48, 48, 5), CAPS);
            h.map(D1, MapBatch.single(IOVA, PA, 0x1000, Prot.rw()));
            attachStage1(h, 1, D1, 5);
            TranslationRequest r = TranslationRequest.of(1, IOVA + 0x20, Access.WRITE);
            assertEquals(PA + 0x20, ((Translated) h.translate(r)).outputAddress());
            h.unmap(D1, UnmapBatch.single(IOVA, 0x1000));
            assertEquals(PA + 0x20, ((Translated) h.translate(r)).outputAddress(),
                    "unmapped, not invalidated: the device still reaches the old page");
            h.submitAndWait(TlbiNhVa.of(0, 5, IOVA, true), CmdSync.poll());
            FTranslation f = assertInstanceOf(FTranslation.class, ((Faulted) h.translate(r)).event());
            assertEquals(IOVA + 0x20, f.iova());
            // the fault reached the SMMU's event queue
            TestProbe<SmmuEntity.EventQueueView> q = h.kit().createTestProbe();
            h.node().tell(new SmmuNode.ToSmmu(new SmmuEntity.ReadEvents(8, q.getRef())));
            List<org.iommusim.protocol.event.SmmuEvent> events = q.receiveMessage(ModelHarness.WAIT).records();
            assertTrue(events.contains(f), events.toString());
            return null;
        });
    }

    @Test
    void missingCfgiSteKeepsTheOldDomainInForce(@TempDir Path dir) {
        ModelHarness.run(dir, CAPS, 2, h -> {
            h.allocate(D1, DomainSpec.stage1(Granule.G4K, 48, 48, 5), CAPS);
            h.allocate(D2, DomainSpec.stage1(Granule.G4K, 48, 48, 6), CAPS);
            h.map(D1, MapBatch.single(IOVA, PA, 0x1000, Prot.rw()));
            h.map(D2, MapBatch.single(IOVA, PA + 0x10_0000L, 0x1000, Prot.rw()));
            attachStage1(h, 3, D1, 5);
            // software moves the stream to D2 but forgets CFGI_STE (it only syncs)
            h.writeCd(3, 0, Cd.of(6, D2));
            h.submitAndWait(CmdSync.poll());
            TranslationRequest r = TranslationRequest.of(3, IOVA, Access.READ);
            assertEquals(PA, ((Translated) h.translate(r)).outputAddress(), "still D1");
            h.submitAndWait(new CfgiSte(3, false), CmdSync.poll());
            assertEquals(PA + 0x10_0000L, ((Translated) h.translate(r)).outputAddress(), "D2 after the CFGI");
            return null;
        });
    }

    @Test
    void nestedStage2OnlyInvalidationLeavesCombinedEntriesUntilS12Vmall(@TempDir Path dir) {
        ModelHarness.run(dir, CAPS, 2, h -> {
            DomainId s2 = DomainId.of(20);
            DomainId s1 = DomainId.of(21);
            h.allocate(s2, DomainSpec.stage2(Granule.G4K, 44, 48, 9), CAPS);
            h.allocate(s1, DomainSpec.nested(s2, Granule.G4K, 48, 44, 4), CAPS);
            h.map(s2, MapBatch.single(0x4000_0000L, PA, 0x1000, Prot.of(Prot.WRITE)));
            h.map(s1, MapBatch.single(IOVA, 0x4000_0000L, 0x1000, Prot.rw()));
            h.writeCd(5, 0, Cd.of(4, s1));
            h.writeSte(5, Ste.nested(0, S1Dss.SSID0, 9, s2));
            h.submitAndWait(new CfgiSte(5, false), CmdSync.poll());
            // stage 2 is write-only: a read is refused by stage 2, S2=1 with the IPA
            FPermission f = assertInstanceOf(FPermission.class,
                    ((Faulted) h.translate(TranslationRequest.of(5, IOVA, Access.READ))).event());
            assertTrue(f.walk().s2());
            assertEquals(0x4000_0000L, f.walk().ipa());
            TranslationRequest w = TranslationRequest.of(5, IOVA, Access.WRITE);
            assertEquals(PA, ((Translated) h.translate(w)).outputAddress());
            h.unmap(s2, UnmapBatch.single(0x4000_0000L, 0x1000));
            h.submitAndWait(TlbiS2Ipa.of(9, 0x4000_0000L, true), CmdSync.poll());
            assertEquals(PA, ((Translated) h.translate(w)).outputAddress(), "combined entry survives S2_IPA");
            h.submitAndWait(new TlbiS12Vmall(9), CmdSync.poll());
            assertInstanceOf(Faulted.class, h.translate(w));
            return null;
        });
    }

    @Test
    void burstRepliesOnceInRequestOrderAcrossWorkers(@TempDir Path dir) {
        SmmuCapabilities twoTbus = CAPS.toBuilder()
                .tbus(List.of(TbuTlb.fullyAssociative(64, IotlbPolicy.LRU, 1), TbuTlb.fullyAssociative(64, IotlbPolicy.LRU, 2)))
                .streamTbus(java.util.Map.of(2, 1)).build();
        ModelHarness.run(dir, twoTbus, 2, h -> {
            h.allocate(D1, DomainSpec.stage1(Granule.G4K, 48, 48, 5), twoTbus);
            h.map(D1, MapBatch.single(IOVA, PA, 64 * 0x1000L, Prot.rw()));
            attachStage1(h, 1, D1, 5);
            attachStage1(h, 2, D1, 5);
            List<TranslationRequest> reqs = new ArrayList<>();
            for (int i = 0; i < 64; i++) {
                reqs.add(TranslationRequest.of(1 + i % 2, IOVA + i * 0x1000L + 8, Access.READ));
            }
            assertEquals(Set.of(0, 1), Set.of(h.handles().pool().indexFor(1, 0), h.handles().pool().indexFor(2, 0)),
                    "the two streams' TBUs are on both workers");
            List<TranslationResult> out = h.burst(reqs);
            for (int i = 0; i < 64; i++) {
                assertEquals(PA + i * 0x1000L + 8, ((Translated) out.get(i)).outputAddress());
            }
            assertEquals(List.of(32L, 32L), h.shards().stream().map(r -> r.stats().fills()).toList(),
                    "each TBU filled its own stream's pages");
            return null;
        });
    }

    /**
     * IOTLB shards rebuilt from their journals after the ActorSystem stops:
     * nothing invalidated before the stop comes back, and what comes back was
     * in the shards before.
     */
    @Test
    void iotlbIsRebuiltFromTheLogWithoutInvalidatedEntries(@TempDir Path dir) {
        List<Set<IotlbEntry>> before = ModelHarness.run(dir, CAPS, 2, h -> {
            h.allocate(D1, DomainSpec.stage1(Granule.G4K, 48, 48, 5), CAPS);
            h.map(D1, MapBatch.single(IOVA, PA, 16 * 0x1000L, Prot.rw()));
            attachStage1(h, 1, D1, 5);
            for (int i = 0; i < 16; i++) {
                h.translate(TranslationRequest.of(1, IOVA + i * 0x1000L, Access.READ));
            }
            h.submitAndWait(TlbiNhVa.of(0, 5, IOVA, true), TlbiNhVa.of(0, 5, IOVA + 0x5000, true), CmdSync.poll());
            List<Set<IotlbEntry>> sets = new ArrayList<>();
            for (TranslationWorker.TbuReport r : h.shards()) {
                sets.add(new HashSet<>(r.snapshot().entries()));
            }
            return sets;
        });
        assertEquals(14, before.stream().mapToInt(Set::size).sum());
        ModelHarness.run(dir, CAPS, 2, h -> {
            List<TranslationWorker.TbuReport> after = h.shards();
            for (int k = 0; k < before.size(); k++) {
                Set<IotlbEntry> rebuilt = new HashSet<>(after.get(k).snapshot().entries());
                assertTrue(before.get(k).containsAll(rebuilt), "rebuilt shard " + k + " is a subset");
                assertEquals(before.get(k), rebuilt, "the invalidation flushed every fill before it");
                assertFalse(rebuilt.stream().anyMatch(e -> e.covers(IOVA) || e.covers(IOVA + 0x5000)));
            }
            // and the rebuilt IOTLB answers: a hit needs no walk even though the table is unchanged
            TranslationWorker.TbuReport r0 = h.shards().get(h.handles().pool().indexFor(1, IOVA + 0x1000));
            long hitsBefore = r0.stats().hits();
            h.translate(TranslationRequest.of(1, IOVA + 0x1000, Access.READ));
            assertEquals(hitsBefore + 1, h.shards().get(h.handles().pool().indexFor(1, IOVA + 0x1000)).stats().hits());
            return null;
        });
    }

    /**
     * With snapshots every few events and fills written in small batches, a
     * restarted shard is its last snapshot plus the events after it: exactly
     * the entries it held when the model stopped after a sync (every write
     * done), with nothing the TLBIs removed.
     */
    @Test
    void aShardRebuiltFromSnapshotsAndLaterEventsIsTheShardItWas(@TempDir Path dir) throws Exception {
        TranslationWorker.Settings often = new TranslationWorker.Settings(3, java.time.Duration.ofMillis(1), 4);
        List<Set<IotlbEntry>> before = ModelHarness.run(dir, CAPS, 2, often, h -> {
            h.allocate(D1, DomainSpec.stage1(Granule.G4K, 48, 48, 5), CAPS);
            h.map(D1, MapBatch.single(IOVA, PA, 40 * 0x1000L, Prot.rw()));
            attachStage1(h, 1, D1, 5);
            for (int i = 0; i < 40; i++) {
                h.translate(TranslationRequest.of(1, IOVA + i * 0x1000L, Access.READ));
            }
            h.submitAndWait(TlbiNhVa.of(0, 5, IOVA + 0x3000, true), TlbiNhVa.of(0, 5, IOVA + 0x7000, true),
                    TlbiNhVa.of(0, 5, IOVA + 0x21000, true), CmdSync.poll());
            List<Set<IotlbEntry>> sets = new ArrayList<>();
            for (TranslationWorker.TbuReport r : h.shards()) {
                sets.add(new HashSet<>(r.snapshot().entries()));
            }
            return sets;
        });
        assertEquals(37, before.stream().mapToInt(Set::size).sum());
        try (var files = java.nio.file.Files.walk(dir)) {
            assertTrue(files.anyMatch(f -> f.getFileName().toString().contains("tbu")),
                    "the TBU TLBs wrote snapshots");
        }
        ModelHarness.run(dir, CAPS, 2, often, h -> {
            List<TranslationWorker.TbuReport> after = h.shards();
            for (int k = 0; k < before.size(); k++) {
                assertEquals(before.get(k), new HashSet<>(after.get(k).snapshot().entries()), "shard " + k);
            }
            return null;
        });
    }

    @Test
    void perStreamStatisticsCountHitsMissesAndFaultsByType(@TempDir Path dir) {
        ModelHarness.run(dir, CAPS, 1, h -> {
            h.allocate(D1, DomainSpec.stage1(Granule.G4K, 48, 48, 5), CAPS);
            h.map(D1, MapBatch.single(IOVA, PA, 0x1000, Prot.of(Prot.READ)));
            attachStage1(h, 1, D1, 5);
            h.translate(TranslationRequest.of(1, IOVA, Access.READ));
            h.translate(TranslationRequest.of(1, IOVA, Access.READ));
            h.translate(TranslationRequest.of(1, IOVA, Access.WRITE));
            h.translate(TranslationRequest.of(1, IOVA + 0x1000, Access.READ));
            h.translate(TranslationRequest.of(2, IOVA, Access.READ));
            TranslationWorker.TbuReport r = h.shards().get(0);
            StreamStats s1 = r.streams().get(1);
            assertEquals(2, s1.hits());
            assertEquals(2, s1.misses());
            assertEquals(1L, s1.faults().get(EventId.F_PERMISSION));
            assertEquals(1L, s1.faults().get(EventId.F_TRANSLATION));
            assertEquals(1L, r.streams().get(2).faults().get(EventId.C_BAD_STE));
            return null;
        });
    }
}
