package org.iommusim.actors.journal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.iommusim.actors.api.IommuSim;
import org.iommusim.actors.api.ModelException;
import org.iommusim.actors.api.ModelOptions;
import org.iommusim.actors.api.Smmu;
import org.iommusim.actors.internal.ModelInternals;
import org.iommusim.actors.pekko.PekkoEmbedding;
import org.iommusim.persistence.journal.JournalHealth;
import org.iommusim.persistence.journal.JournalSettings;
import org.iommusim.persistence.journal.JournalSpace;
import org.iommusim.persistence.journal.JournalUnavailableException;
import org.iommusim.persistence.pagetable.WalkResult;
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
import org.iommusim.protocol.domain.MapSegment;
import org.iommusim.protocol.domain.Prot;
import org.iommusim.protocol.translate.Access;
import org.iommusim.protocol.translate.Translated;
import org.iommusim.protocol.translate.TranslationRequest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A full disk fails the write, never the JVM: the model writes onto a small
 * tmpfs until the journal's free-space guard trips; the failed write is
 * refused and recorded in {@link JournalHealth}; a restart on the full disk is
 * refused cleanly (by {@code prepare()} and by the journal plugin itself);
 * after the filler is deleted, a restart has every acknowledged change.
 *
 * <p>Where no tmpfs can be mounted (not root), the same run happens on the
 * temporary directory's own file system with the threshold raised to just
 * below its free space, so the guard trips after a few megabytes of filler.
 * The JVM dying (SIGBUS) would fail the build: nothing is skipped.
 */
class DiskFullTest {
    private static final SmmuCapabilities CAPS = SmmuCapabilities.defaults();
    private static final DomainId D = DomainId.of(1);
    private static final int PAGES_PER_MAP = 32;
    /** Usable bytes left above the threshold before writing: the guard trips after about this much journal. */
    private static final long SLACK = 128 << 10;

    /** A running model, started either way. */
    private record Model(IommuSim sim, ActorSystem<Void> ownSystem, JournalSettings journal) implements AutoCloseable {
        @Override
        public void close() {
            sim.close();
            if (ownSystem != null) {
                ownSystem.terminate();
                ownSystem.getWhenTerminated().toCompletableFuture().join();
                journal.release();
            }
        }
    }

    @Test
    void aFullDiskFailsTheWriteNotTheJvmAndEveryAcknowledgedChangeSurvives(@TempDir Path tmp) throws Exception {
        Path fs = Files.createDirectories(tmp.resolve("fs"));
        StringBuilder whyNot = new StringBuilder();
        long defaultThreshold = JournalSettings.levelDb(fs).minFreeBytes();
        Optional<TmpfsMount> mount = TmpfsMount.tryMount(fs, (int) (defaultThreshold >> 20) + 32, whyNot);
        try {
            boolean tmpfs = mount.isPresent();
            // on a shared disk, a threshold 64 MiB below today's free space trips after 64 MiB of filler
            long threshold = tmpfs ? defaultThreshold : Filler.usable(fs) - (64L << 20);
            System.out.println("DiskFullTest: " + (tmpfs ? "on a tmpfs, default threshold " + threshold
                    : "no tmpfs (" + whyNot + "); threshold raised to " + threshold + " on " + fs));
            Path data = fs.resolve("data");
            Path journalDir = JournalSettings.levelDb(data).journalDir();
            ModelOptions opts = new ModelOptions(data, true, 1, 64, Duration.ofSeconds(2));
            List<Long> acked = new ArrayList<>();
            Path fillerFile = fs.resolve("filler");
            try (Filler filler = new Filler(fillerFile)) {
                try (Model m = start(opts, tmpfs, threshold)) {
                    Smmu smmu = m.sim().addSmmu(0, CAPS);
                    m.sim().allocateDomain(D, DomainSpec.stage1(Granule.G4K, 48, 48, 5), smmu);
                    m.sim().writeCd(smmu, 1, 0, Cd.of(5, D));
                    m.sim().writeSte(smmu, 1, Ste.stage1(0, S1Dss.SSID0));
                    m.sim().submitAndWait(smmu, List.of(new CfgiSte(1, false), CmdSync.poll()));

                    filler.leave(fs, threshold + SLACK);
                    RuntimeException refused = null;
                    for (long i = 0; i < 20_000 && refused == null; i++) {
                        filler.leave(fs, threshold + SLACK); // others may free space on a shared disk
                        try {
                            m.sim().map(D, batch(i));
                            acked.add(i);
                        } catch (RuntimeException e) {
                            refused = e;
                        }
                    }
                    assertTrue(refused != null, "the guard never tripped");
                    assertEquals(ModelException.Kind.JOURNAL_FAILED,
                            assertInstanceOf(ModelException.class, refused).kind(), refused.toString());
                    assertFalse(acked.isEmpty(), "some maps were acknowledged before the disk filled");
                    String reason = JournalHealth.failure(journalDir).orElseThrow(
                            () -> new AssertionError("the failed write is not in JournalHealth"));
                    assertTrue(reason.contains("journal write refused") && reason.contains(journalDir.toString())
                            && reason.contains("usable") && reason.contains(threshold + " bytes")
                            && reason.contains(JournalSpace.MIN_FREE_KEY), reason);
                    // every entity's writes are refused, not only the domain's, at once
                    var later = m.sim().writeSteAsync(smmu, 2, Ste.bypass()).toCompletableFuture();
                    assertTrue(later.isCompletedExceptionally(), "refused at once, not after a timeout");
                    assertEquals(ModelException.Kind.JOURNAL_FAILED, assertThrows(ModelException.class,
                            () -> m.sim().writeSte(smmu, 2, Ste.bypass())).kind());
                }

                // the disk is full: a restart is refused cleanly, not crashed
                filler.leave(fs, threshold - (1 << 20));
                if (tmpfs) {
                    filler.fillUp(); // really full: nothing at all left
                    assertTrue(Filler.usable(fs) < (1 << 20), "the tmpfs is full");
                }
                // IommuSim.start (tmpfs) answers the API's own kind; the caller's ActorSystem path, the journal's
                RuntimeException e = assertThrows(RuntimeException.class, () -> start(opts, tmpfs, threshold).close());
                if (tmpfs) {
                    assertEquals(ModelException.Kind.JOURNAL_UNAVAILABLE, ((ModelException) e).kind(), e.toString());
                    assertInstanceOf(JournalUnavailableException.class, e.getCause());
                } else {
                    assertInstanceOf(JournalUnavailableException.class, e);
                }
                assertTrue(e.getMessage().contains(journalDir.toString()) && e.getMessage().contains("usable"),
                        e.getMessage());
                pluginRefusesToOpen(opts, threshold, journalDir);
            } // the filler is deleted: space again

            try (Model m = start(opts, tmpfs, threshold)) {
                assertTrue(JournalHealth.failure(journalDir).isEmpty(), "a fresh start is healthy");
                Smmu smmu = m.sim().addSmmu(0, CAPS);
                var table = ModelInternals.pageTable(m.sim(), D).orElseThrow();
                for (long i : acked) {
                    for (int p = 0; p < PAGES_PER_MAP; p++) {
                        WalkResult w = table.walk(iova(i, p));
                        assertInstanceOf(WalkResult.Leaf.class, w, "acknowledged map " + i + " page " + p);
                        assertEquals(pa(i, p), ((WalkResult.Leaf) w).outputAddress());
                    }
                }
                long last = acked.get(acked.size() - 1);
                assertEquals(pa(last, 3) + 0x10, ((Translated) m.sim().translate(smmu,
                        TranslationRequest.of(1, iova(last, 3) + 0x10, Access.READ))).outputAddress());
                m.sim().map(D, batch(1_000_000)); // and the journal takes writes again
            }
        } finally {
            if (mount.isPresent()) {
                mount.get().close();
            }
        }
    }

    /**
     * An embedder who skips {@code prepare()}'s space check still cannot crash
     * the JVM: the plugin checks again before LevelDB opens, refuses, and says
     * why in {@link JournalHealth}.
     */
    private static void pluginRefusesToOpen(ModelOptions opts, long threshold, Path journalDir) {
        JournalSettings lax = JournalSettings.levelDb(opts.dataDir()).withMinFreeBytes(0).prepare();
        ActorSystem<Void> system = ActorSystem.create(Behaviors.empty(), "no-prepare",
                JournalSettings.levelDb(opts.dataDir()).withMinFreeBytes(threshold).toConfig()
                        .withFallback(ConfigFactory.load()));
        try {
            RuntimeException e = assertThrows(RuntimeException.class, () -> PekkoEmbedding.inside(system, opts));
            assertTrue(String.valueOf(e.getMessage()).contains("the journal is not running")
                    && e.getMessage().contains("refused to open"), "refused at once, saying why: " + e);
            String reason = JournalHealth.failure(journalDir).orElseThrow(
                    () -> new AssertionError("the refused open is not in JournalHealth"));
            assertTrue(reason.contains("refused to open") && reason.contains(journalDir.toString()), reason);
        } finally {
            system.terminate();
            system.getWhenTerminated().toCompletableFuture().join();
            lax.release();
        }
    }

    /** The facade's own start where the threshold is the configured one; otherwise the caller's system with it raised. */
    private static Model start(ModelOptions opts, boolean defaultThreshold, long threshold) {
        if (defaultThreshold) {
            return new Model(IommuSim.start(opts), null, null);
        }
        JournalSettings journal = JournalSettings.levelDb(opts.dataDir()).withMinFreeBytes(threshold).prepare();
        ActorSystem<Void> system = ActorSystem.create(Behaviors.empty(), "disk-full",
                journal.toConfig().withFallback(ConfigFactory.load()));
        try {
            return new Model(PekkoEmbedding.inside(system, opts), system, journal);
        } catch (RuntimeException e) {
            system.terminate();
            system.getWhenTerminated().toCompletableFuture().join();
            journal.release();
            throw e;
        }
    }

    /** Map {@code i}: 32 separate pages (every other one), so each event is a few hundred bytes. */
    private static MapBatch batch(long i) {
        MapSegment[] segs = new MapSegment[PAGES_PER_MAP];
        for (int p = 0; p < PAGES_PER_MAP; p++) {
            segs[p] = new MapSegment(iova(i, p), pa(i, p), 0x1000, Prot.rw());
        }
        return MapBatch.of(segs);
    }

    private static long iova(long i, int p) {
        return 0x1_0000_0000L + (i * PAGES_PER_MAP + p) * 0x2000L;
    }

    private static long pa(long i, int p) {
        return 0x40_0000_0000L + (i * PAGES_PER_MAP + p) * 0x1000L;
    }
}
