package org.iommusim.actors.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.iommusim.actors.pekko.PekkoEmbedding;
import org.iommusim.actors.translate.TcuKeeper;
import org.iommusim.actors.translate.TranslationWorker;
import org.iommusim.persistence.iotlb.IotlbEvent;
import org.iommusim.persistence.journal.JournalSettings;
import org.iommusim.persistence.replay.JournalEvent;
import org.iommusim.persistence.replay.JournalReader;
import org.iommusim.persistence.tcu.TcuEvent;
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
import org.iommusim.protocol.domain.UnmapBatch;
import org.iommusim.protocol.translate.Access;
import org.iommusim.protocol.translate.Translated;
import org.iommusim.protocol.translate.TranslationRequest;
import org.iommusim.protocol.translate.TranslationResult;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Invalidations are acknowledged ahead of their records ({@link IotlbEvent.AcksAhead},
 * {@link TcuEvent.AcksAhead}): a clean close clears the marker, so the next start keeps what the TLBs and the
 * TCU's caches held; a run that ends without its close (here its ActorSystem is terminated under it) leaves the
 * marker set, and the next start empties them before it translates anything, so no entry an acknowledged
 * TLBI + CMD_SYNC removed can come back, though its record was never written. Each start's marker and each clean
 * close's are in the logs.
 */
class AcksAheadRestartTest {
    private static final DomainId D = DomainId.of(1);
    private static final int SID = 1;
    private static final int ASID = 5;
    private static final long IOVA = 0x4000_0000L;
    private static final long PA = 0x8_0000_0000L;
    private static final int PAGES = 8;
    private static final SmmuCapabilities CAPS = SmmuCapabilities.defaults();

    private static void setUp(IommuSim sim, Smmu smmu) {
        sim.allocateDomain(D, DomainSpec.stage1(Granule.G4K, 48, 48, ASID), smmu);
        List<org.iommusim.protocol.domain.MapSegment> pages = new ArrayList<>();
        for (int p = 0; p < PAGES; p++) {
            pages.add(new org.iommusim.protocol.domain.MapSegment(IOVA + p * 0x1000L, PA + p * 0x1000L, 0x1000,
                    Prot.rw()));
        }
        sim.map(D, new MapBatch(pages));
        sim.writeCd(smmu, SID, 0, Cd.of(ASID, D));
        sim.writeSte(smmu, SID, Ste.stage1(0, S1Dss.SSID0));
        sim.submitAndWait(smmu, List.of(new CfgiSte(SID, false), CmdSync.poll()));
    }

    private static void translateAll(IommuSim sim, Smmu smmu) {
        for (int p = 0; p < PAGES; p++) {
            TranslationResult r = sim.translate(smmu, TranslationRequest.of(SID, IOVA + p * 0x1000L, Access.READ));
            assertEquals(PA + p * 0x1000L, assertInstanceOf(Translated.class, r).outputAddress());
        }
    }

    private static int tcuEntries(Smmu smmu) {
        return smmu.handles.tcu().snapshot().fills().size();
    }

    @Test
    void aCrashEmptiesTheCachesBeforeTheRestartServesACleanCloseKeepsThem(@TempDir Path dir) throws Exception {
        ModelOptions opts = ModelOptions.at(dir).withWorkers(2);
        int cached;
        try (IommuSim sim = IommuSim.start(opts)) {
            Smmu smmu = sim.addSmmu(0, CAPS);
            setUp(sim, smmu);
            translateAll(sim, smmu);
            cached = sim.cachedTranslations(smmu).size();
            assertEquals(PAGES, cached);
            assertTrue(tcuEntries(smmu) > 0);
        }
        // a clean close cleared the marker: the next start keeps the TLBs and the TCU's caches
        JournalSettings journal = JournalSettings.levelDb(dir).prepare();
        ActorSystem<Void> doomed = ActorSystem.create(Behaviors.empty(), "doomed", PekkoEmbedding.config(opts));
        try {
            IommuSim sim = PekkoEmbedding.inside(doomed, opts);
            Smmu smmu = sim.addSmmu(0, CAPS);
            assertEquals(cached, sim.cachedTranslations(smmu).size(), "kept by the clean close");
            assertTrue(tcuEntries(smmu) > 0, "the TCU's caches kept by the clean close");
            // unmap one page; its TLBI + CMD_SYNC is acknowledged before the invalidations' records are written
            sim.unmap(D, UnmapBatch.single(IOVA, 0x1000));
            sim.submitAndWait(smmu, List.of(TlbiNhVa.of(0, ASID, IOVA, true), CmdSync.poll()));
            assertEquals(cached - 1, sim.cachedTranslations(smmu).size());
        } finally {
            doomed.terminate(); // no close: the model's actors stop where they are, the markers still set
            doomed.getWhenTerminated().toCompletableFuture().get(60, TimeUnit.SECONDS);
            journal.release();
        }
        try (IommuSim sim = IommuSim.start(opts)) {
            Smmu smmu = sim.addSmmu(0, CAPS);
            assertEquals(List.of(), sim.cachedTranslations(smmu), "emptied before serving: the last run did not close");
            assertEquals(0, tcuEntries(smmu), "the TCU's caches emptied too");
            TranslationResult unmapped = sim.translate(smmu, TranslationRequest.of(SID, IOVA, Access.READ));
            assertFalse(unmapped instanceof Translated, "the unmapped page faults: " + unmapped);
            for (int p = 1; p < PAGES; p++) {
                TranslationResult r = sim.translate(smmu, TranslationRequest.of(SID, IOVA + p * 0x1000L, Access.READ));
                assertEquals(PA + p * 0x1000L, assertInstanceOf(Translated.class, r).outputAddress());
            }
        }
        // every start set the marker, each clean close cleared it; the crashed run left its own set
        try (JournalReader reader = JournalReader.open(dir)) {
            List<Boolean> expected = List.of(true, false, true, true, false);
            for (int tbu = 0; tbu < CAPS.tbuCount(); tbu++) {
                String id = TranslationWorker.persistenceId("smmu-0", tbu);
                if (reader.contains(id)) {
                    assertEquals(expected, markers(reader, id), id);
                }
            }
            assertEquals(expected, markers(reader, TcuKeeper.persistenceId("smmu-0")));
        }
    }

    private static List<Boolean> markers(JournalReader reader, String id) {
        List<Boolean> out = new ArrayList<>();
        try (var events = reader.events(id, 1, Long.MAX_VALUE)) {
            while (events.hasNext()) {
                JournalEvent e = events.next();
                if (e.payload() instanceof IotlbEvent.AcksAhead a) {
                    out.add(a.ahead());
                } else if (e.payload() instanceof TcuEvent.AcksAhead a) {
                    out.add(a.ahead());
                }
            }
        }
        return out;
    }
}
