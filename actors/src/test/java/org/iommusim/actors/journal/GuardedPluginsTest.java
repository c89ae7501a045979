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
            IommuSim sim = IommuSim.inside(system, opts);
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
            var table = sim.pageTable(D).orElseThrow();
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
}
