package org.iommusim.actors.journal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Adapter;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.pattern.Patterns;
import org.apache.pekko.persistence.Persistence;
import org.apache.pekko.persistence.SaveSnapshotFailure;
import org.apache.pekko.persistence.SnapshotMetadata;
import org.apache.pekko.persistence.SnapshotProtocol;
import org.iommusim.actors.api.IommuSim;
import org.iommusim.actors.api.ModelException;
import org.iommusim.actors.api.ModelOptions;
import org.iommusim.actors.api.Smmu;
import org.iommusim.actors.internal.ModelInternals;
import org.iommusim.actors.pekko.PekkoEmbedding;
import org.iommusim.persistence.journal.JournalHealth;
import org.iommusim.persistence.journal.JournalSettings;
import org.iommusim.persistence.journal.JournalWriteFailedException;
import org.iommusim.persistence.pagetable.WalkResult;
import org.iommusim.protocol.capability.SmmuCapabilities;
import org.iommusim.protocol.domain.DomainId;
import org.iommusim.protocol.domain.DomainSpec;
import org.iommusim.protocol.domain.Granule;
import org.iommusim.protocol.domain.MapBatch;
import org.iommusim.protocol.domain.Prot;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The guarded journal's other failure (a LevelDB I/O error) and the guarded snapshot store. */
class GuardedPluginsTest {
    private static final SmmuCapabilities CAPS = SmmuCapabilities.defaults();
    private static final DomainId D = DomainId.of(1);

    @Test
    void aLevelDbErrorFailsTheWriteAsAFullDiskDoesAndIsRecorded(@TempDir Path dir) {
        ModelOptions opts = new ModelOptions(dir, false, 1, 64, Duration.ofSeconds(2));
        JournalSettings journal = JournalSettings.levelDb(dir).withFsync(false).prepare();
        ActorSystem<Void> system = ActorSystem.create(Behaviors.empty(), "leveldb-error", ConfigFactory.parseString(
                "pekko.persistence.journal.leveldb.class = \"" + FailingLevelDbJournal.class.getName() + "\"")
                .withFallback(journal.toConfig()).withFallback(ConfigFactory.load()));
        try {
            IommuSim sim = PekkoEmbedding.inside(system, opts);
            Smmu smmu = sim.addSmmu(0, CAPS);
            sim.allocateDomain(D, DomainSpec.stage1(Granule.G4K, 48, 48, 5), smmu);
            sim.map(D, MapBatch.single(0x1000, 0x8000_0000L, 0x1000, Prot.rw()));
            FailingLevelDbJournal.FAIL.set(true);
            assertEquals(ModelException.Kind.JOURNAL_FAILED, assertThrows(ModelException.class,
                    () -> sim.map(D, MapBatch.single(0x2000, 0x8000_1000L, 0x1000, Prot.rw()))).kind());
            String reason = JournalHealth.failure(journal.journalDir()).orElseThrow(
                    () -> new AssertionError("the LevelDB error is not in JournalHealth"));
            assertTrue(reason.startsWith("journal write failed in " + journal.journalDir())
                    && reason.contains("No space left on device"), reason);
        } finally {
            FailingLevelDbJournal.FAIL.set(false);
            system.terminate();
            system.getWhenTerminated().toCompletableFuture().join();
            journal.release();
        }
        try (IommuSim sim = IommuSim.start(opts)) {
            var table = ModelInternals.pageTable(sim, D).orElseThrow();
            assertInstanceOf(WalkResult.Leaf.class, table.walk(0x1000), "the acknowledged map");
            assertInstanceOf(WalkResult.WalkFault.class, table.walk(0x2000), "the failed one");
        }
    }

    @Test
    void aSnapshotBelowTheThresholdIsRefusedAndNothingIsWritten(@TempDir Path dir) throws Exception {
        JournalSettings settings = JournalSettings.levelDb(dir).withMinFreeBytes(Long.MAX_VALUE);
        Files.createDirectories(settings.snapshotDir());
        ActorSystem<Void> system = ActorSystem.create(Behaviors.empty(), "snapshot-guard",
                settings.toConfig().withFallback(ConfigFactory.load()));
        try {
            var store = Persistence.get(Adapter.toClassic(system)).snapshotStoreFor("", ConfigFactory.empty());
            Object reply = Patterns.ask(store, new SnapshotProtocol.SaveSnapshot(SnapshotMetadata.apply("domain-7", 9, 0),
                    "state"), Duration.ofSeconds(10)).toCompletableFuture().get(30, TimeUnit.SECONDS);
            Throwable cause = assertInstanceOf(SaveSnapshotFailure.class, reply).cause();
            assertInstanceOf(JournalWriteFailedException.class, cause);
            assertTrue(cause.getMessage().contains("snapshot of domain-7 not saved")
                    && cause.getMessage().contains(settings.snapshotDir().toString()), cause.getMessage());
            try (var files = Files.list(settings.snapshotDir())) {
                assertEquals(0, files.count());
            }
        } finally {
            system.terminate();
            system.getWhenTerminated().toCompletableFuture().join();
        }
    }

    /**
     * Below the model's own check (an embedder's system opens the journal
     * itself): LevelDB would create a new database where CURRENT is missing,
     * then delete the old files as obsolete. The guarded journal refuses to
     * open instead, and the directory stays as it was.
     */
    @Test
    void aJournalWithoutCurrentIsNeverReplacedByANewDatabase(@TempDir Path dir) throws Exception {
        try (IommuSim sim = IommuSim.start(ModelOptions.at(dir).withFsync(false))) {
            Smmu smmu = sim.addSmmu(0, CAPS);
            sim.allocateDomain(D, DomainSpec.stage1(Granule.G4K, 48, 48, 5), smmu);
            sim.map(D, MapBatch.single(0x1000, 0x8000_0000L, 0x1000, Prot.rw()));
        }
        JournalSettings settings = JournalSettings.levelDb(dir).withFsync(false);
        Files.delete(settings.journalDir().resolve("CURRENT"));
        var before = dataFiles(settings.journalDir());
        ActorSystem<Void> system = ActorSystem.create(Behaviors.empty(), "no-current",
                settings.toConfig().withFallback(ConfigFactory.load()));
        try {
            var journal = Persistence.get(Adapter.toClassic(system)).journalFor("", ConfigFactory.empty());
            Object identity = Patterns.ask(journal, new org.apache.pekko.actor.Identify("journal"), Duration.ofSeconds(10))
                    .toCompletableFuture().get(30, TimeUnit.SECONDS);
            assertTrue(assertInstanceOf(org.apache.pekko.actor.ActorIdentity.class, identity).getActorRef().isEmpty(),
                    "the journal that refused to open is not running");
            String reason = JournalHealth.failure(settings.journalDir()).orElseThrow(
                    () -> new AssertionError("the refused open is not in JournalHealth"));
            assertTrue(reason.contains("cannot open the LevelDB journal") && reason.contains("does not exist"), reason);
        } finally {
            system.terminate();
            system.getWhenTerminated().toCompletableFuture().join();
        }
        assertEquals(before, dataFiles(settings.journalDir()), "no CURRENT made, no file replaced or deleted");
    }

    /** Every file but LevelDB's diagnostic text log, which any open attempt rotates (LOG to LOG.old). */
    private static java.util.Map<String, String> dataFiles(Path dir) {
        var files = new java.util.TreeMap<>(org.iommusim.actors.api.DirectoryFiles.hash(dir));
        files.keySet().removeIf(name -> name.equals("LOG") || name.equals("LOG.old"));
        return files;
    }
}
