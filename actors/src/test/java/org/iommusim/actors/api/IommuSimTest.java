package org.iommusim.actors.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.iommusim.actors.pekko.PekkoEmbedding;
import org.iommusim.persistence.journal.JournalSettings;
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
import org.iommusim.protocol.event.FTranslation;
import org.iommusim.protocol.translate.Access;
import org.iommusim.protocol.translate.Faulted;
import org.iommusim.protocol.translate.Translated;
import org.iommusim.protocol.translate.TranslationRequest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class IommuSimTest {
    private static final SmmuCapabilities CAPS = SmmuCapabilities.defaults();
    private static final DomainId D = DomainId.of(1);

    private static void attach(IommuSim sim, Smmu smmu) {
        sim.allocateDomain(D, DomainSpec.stage1(Granule.G4K, 48, 48, 5), smmu);
        sim.map(D, MapBatch.of(new org.iommusim.protocol.domain.MapSegment(0x1000_0000L, 0x8000_0000L, 0x1000, Prot.rw()),
                new org.iommusim.protocol.domain.MapSegment(0x1000_1000L, 0x8000_1000L, 0x1000, Prot.rw())));
        sim.writeCd(smmu, 1, 0, Cd.of(5, D));
        sim.writeSte(smmu, 1, Ste.stage1(0, S1Dss.SSID0));
        sim.submitAndWait(smmu, List.of(new CfgiSte(1, false), CmdSync.poll()));
    }

    @Test
    void aWholeDriverFlowThroughTheFacadeAndAgainAfterRestart(@TempDir Path dir) {
        ModelOptions opts = ModelOptions.at(dir.resolve("a/b/data")).withWorkers(2);
        try (IommuSim sim = IommuSim.start(opts)) {
            Smmu smmu = sim.addSmmu(0, CAPS);
            attach(sim, smmu);
            TranslationRequest r = TranslationRequest.of(1, 0x1000_0010L, Access.READ);
            assertEquals(0x8000_0010L, ((Translated) sim.translate(smmu, r)).outputAddress());
            assertEquals(2, sim.translateBurst(smmu, List.of(r, TranslationRequest.of(1, 0x1000_1000L, Access.WRITE))).size());
            ModelException overlap = assertThrows(ModelException.class,
                    () -> sim.map(D, MapBatch.single(0x1000_0000L, 0, 0x1000, Prot.rw())));
            assertEquals(ModelException.Kind.OVERLAP, overlap.kind());
            sim.unmap(D, UnmapBatch.single(0x1000_0000L, 0x1000));
            sim.submitAndWait(smmu, List.of(TlbiNhVa.of(0, 5, 0x1000_0000L, true), CmdSync.poll()));
            FTranslation f = assertInstanceOf(FTranslation.class, ((Faulted) sim.translate(smmu, r)).event());
            assertTrue(sim.readEvents(smmu, 10).contains(f));
            SmmuStatistics s = sim.statistics(smmu);
            assertEquals(1L, s.invalidationsByCommand().get(org.iommusim.protocol.command.CommandOpcode.TLBI_NH_VA));
            assertTrue(s.hits() + s.misses() >= 3);
        }
        try (IommuSim sim = IommuSim.start(opts)) {
            Smmu smmu = sim.addSmmu(0, CAPS);
            assertEquals(0x8000_1000L, ((Translated) sim.translate(smmu,
                    TranslationRequest.of(1, 0x1000_1000L, Access.READ))).outputAddress(), "recovered domain, STE and CD");
            assertInstanceOf(Faulted.class, sim.translate(smmu, TranslationRequest.of(1, 0x1000_0000L, Access.READ)));
        }
    }

    @Test
    void aLockedDirectoryIsRefusedClearly(@TempDir Path dir) {
        try (IommuSim sim = IommuSim.start(ModelOptions.at(dir))) {
            // the API's own exception: an embedder needs no persistence type to handle it
            var e = assertThrows(ModelException.class, () -> IommuSim.start(ModelOptions.at(dir)));
            assertEquals(ModelException.Kind.JOURNAL_UNAVAILABLE, e.kind());
            assertTrue(e.getMessage().contains("already open"), e.getMessage());
            assertTrue(e.getMessage().contains(dir.toString()), "names the directory: " + e.getMessage());
            assertNotNull(e.getCause(), "the journal's own exception, for the log");
        }
    }

    @Test
    void runsInsideTheCallersOwnActorSystem(@TempDir Path dir) {
        ModelOptions opts = ModelOptions.at(dir).withWorkers(1);
        JournalSettings journal = JournalSettings.levelDb(dir).prepare();
        ActorSystem<Void> mine = ActorSystem.create(Behaviors.empty(), "callers-own", PekkoEmbedding.config(opts));
        try {
            IommuSim sim = PekkoEmbedding.inside(mine, opts);
            Smmu smmu = sim.addSmmu(3, CAPS);
            attach(sim, smmu);
            assertEquals(0x8000_0000L, ((Translated) sim.translate(smmu,
                    TranslationRequest.of(1, 0x1000_0000L, Access.READ))).outputAddress());
            sim.close();
            assertTrue(!mine.getWhenTerminated().toCompletableFuture().isDone(), "the caller's system keeps running");
        } finally {
            mine.terminate();
            mine.getWhenTerminated().toCompletableFuture().join();
            journal.release();
        }
    }
}
