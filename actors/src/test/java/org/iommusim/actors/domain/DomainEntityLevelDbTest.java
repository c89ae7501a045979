package org.iommusim.actors.domain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.stream.Stream;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.iommusim.persistence.domain.DomainError;
import org.iommusim.persistence.domain.DomainState;
import org.iommusim.persistence.journal.JournalSettings;
import org.iommusim.persistence.pagetable.PageTable;
import org.iommusim.persistence.pagetable.PageTableError;
import org.iommusim.protocol.capability.SmmuCapabilities;
import org.iommusim.protocol.domain.DomainId;
import org.iommusim.protocol.domain.DomainSpec;
import org.iommusim.protocol.domain.Granule;
import org.iommusim.protocol.domain.MapBatch;
import org.iommusim.protocol.domain.MapSegment;
import org.iommusim.protocol.domain.Prot;
import org.iommusim.protocol.domain.UnmapBatch;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * The domain actor on the real LevelDB JNI journal: replies after the write,
 * one event per request, published views, and recovery after the whole
 * ActorSystem is stopped and a new one starts on the same directory.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DomainEntityLevelDbTest {
    private static final SmmuCapabilities CAPS = SmmuCapabilities.defaults();
    private static final DomainId S2 = DomainId.of(1);
    private static final DomainId S1 = DomainId.of(2);

    /** One ActorSystem on {@code dir}: started, used, terminated, its directory released. */
    private static <T> T withSystem(Path dir, int snapshotEvery, Function<Harness, T> body) {
        JournalSettings journal = JournalSettings.levelDb(dir).prepare();
        Config config = journal.toConfig().withFallback(ConfigFactory.load());
        ActorTestKit kit = ActorTestKit.create("domains", config);
        try {
            PageTableViews views = new PageTableViews();
            ActorRef<DomainDirectory.Command> directory = kit.spawn(
                    DomainDirectory.create(new DomainEntity.Settings(snapshotEvery, 2), views), "domains");
            return body.apply(new Harness(kit, directory, views));
        } finally {
            kit.shutdownTestKit();
            journal.release();
        }
    }

    record Harness(ActorTestKit kit, ActorRef<DomainDirectory.Command> directory, PageTableViews views) {
        DomainEntity.Reply allocate(DomainId id, DomainSpec spec, SmmuCapabilities caps) {
            TestProbe<DomainEntity.Reply> probe = kit.createTestProbe();
            directory.tell(new DomainDirectory.Allocate(id, spec, caps, probe.getRef()));
            return probe.receiveMessage(java.time.Duration.ofSeconds(10));
        }

        DomainEntity.Reply map(DomainId id, MapBatch batch) {
            TestProbe<DomainEntity.Reply> probe = kit.createTestProbe();
            directory.tell(new DomainDirectory.Deliver(id, new DomainEntity.Map(batch, probe.getRef())));
            return probe.receiveMessage(java.time.Duration.ofSeconds(10));
        }

        DomainEntity.Reply unmap(DomainId id, UnmapBatch batch) {
            TestProbe<DomainEntity.Reply> probe = kit.createTestProbe();
            directory.tell(new DomainDirectory.Deliver(id, new DomainEntity.Unmap(batch, probe.getRef())));
            return probe.receiveMessage(java.time.Duration.ofSeconds(10));
        }

        DomainState state(DomainId id) {
            TestProbe<DomainState> probe = kit.createTestProbe();
            directory.tell(new DomainDirectory.Deliver(id, new DomainEntity.GetState(probe.getRef())));
            return probe.receiveMessage(java.time.Duration.ofSeconds(10));
        }
    }

    private static MapBatch pages(long iova, long pa, int count) {
        List<MapSegment> segs = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            segs.add(new MapSegment(iova + i * 4096L, pa + i * 4096L, 4096, Prot.rw()));
        }
        return new MapBatch(segs);
    }

    @Test
    void oneJournalWritePerRequestAndReplyAfterIt(@TempDir Path dir) {
        withSystem(dir, 0, h -> {
            assertEquals(new DomainEntity.Done(1), h.allocate(S1, DomainSpec.stage1(Granule.G4K, 48, 48, 5), CAPS));
            // 512 pages in one request: one event
            assertEquals(new DomainEntity.Done(2), h.map(S1, pages(0x10_0000_0000L, 0x8000_0000L, 512)));
            assertEquals(new DomainEntity.Done(3), h.map(S1, MapBatch.single(0x4000_0000L, 0x4000_0000L, 1L << 30, Prot.rw())));
            // the reply comes after the view was published
            PageTable view = h.views().get(S1).orElseThrow();
            assertEquals(512 + 1, view.leafCount());
            return null;
        });
    }

    @Test
    void recoveryOnLevelDbReproducesTheSameTable(@TempDir Path dir) {
        long[] before = withSystem(dir, 0, h -> {
            h.allocate(S2, DomainSpec.stage2(Granule.G4K, 40, 48, 9), CAPS);
            h.allocate(S1, DomainSpec.stage1(Granule.G16K, 48, 48, 5), CAPS);
            h.map(S2, pages(0x1000_0000L, 0x2000_0000L, 100));
            h.map(S1, MapBatch.of(new MapSegment(0x200_0000L, 0x400_0000L, 64L << 20, Prot.of(Prot.READ)),
                    new MapSegment(0x800_0000L, 0x900_0000L, 0x4000, Prot.of(Prot.WRITE | Prot.NOEXEC))));
            h.unmap(S2, UnmapBatch.single(0x1000_0000L + 10 * 4096L, 4096));
            // a refused request changes nothing, including on replay
            assertInstanceOf(DomainEntity.Refused.class, h.unmap(S2, UnmapBatch.single(0x7000_0000L, 4096)));
            return new long[] {table(h, S2).digest(), table(h, S1).digest(), table(h, S2).leafCount()};
        });
        assertEquals(99, before[2]);
        long[] after = withSystem(dir, 0, h -> {
            PageTable s2 = table(h, S2);
            PageTable s1 = table(h, S1);
            // recovered views are published again, and equal to the actor's state
            assertEquals(s2.digest(), h.views().get(S2).orElseThrow().digest());
            return new long[] {s2.digest(), s1.digest(), s2.leafCount()};
        });
        assertEquals(before[0], after[0]);
        assertEquals(before[1], after[1]);
        assertEquals(before[2], after[2]);
    }

    @Test
    void snapshotsAreTakenAndRecoveryFromThemIsExact(@TempDir Path dir) throws IOException {
        long before = withSystem(dir, 3, h -> {
            h.allocate(S1, DomainSpec.stage1(Granule.G4K, 48, 48, 5), CAPS);
            for (int i = 0; i < 10; i++) {
                h.map(S1, pages(0x100_0000L * (i + 1), 0x1_0000_0000L + 0x100_0000L * i, 3));
            }
            h.unmap(S1, UnmapBatch.single(0x100_0000L, 4096));
            return table(h, S1).digest();
        });
        try (Stream<Path> files = Files.list(dir.resolve("snapshots"))) {
            assertTrue(files.anyMatch(p -> p.getFileName().toString().contains("domain-2")), "a snapshot was written");
        }
        long after = withSystem(dir, 3, h -> table(h, S1).digest());
        assertEquals(before, after);
    }

    /**
     * Retention keeps two snapshots of an entity (keep-snapshots = 2) and deletes the older ones, its own and those
     * an earlier run left, without touching another entity's.
     */
    @Test
    void retentionKeepsTwoSnapshotsAcrossRunsAndDeletesNoOtherEntitys(@TempDir Path dir) throws IOException {
        withSystem(dir, 3, h -> {
            h.allocate(S1, DomainSpec.stage1(Granule.G4K, 48, 48, 5), CAPS);
            h.allocate(S2, DomainSpec.stage2(Granule.G4K, 44, 48, 3), CAPS);
            for (int i = 0; i < 20; i++) {
                h.map(S1, pages(0x100_0000L * (i + 1), 0x1_0000_0000L + 0x100_0000L * i, 1));
            }
            for (int i = 0; i < 5; i++) {
                h.map(S2, pages(0x100_0000L * (i + 1), 0x1_0000_0000L + 0x100_0000L * i, 1));
            }
            return null;
        });
        assertEquals(java.util.List.of(18L, 21L), snapshotSeqs(dir, "domain-2"), "domain-2 (21 events): the last two");
        assertEquals(java.util.List.of(3L, 6L), snapshotSeqs(dir, "domain-1"), "domain-1 (6 events): its own two");
        long digest = withSystem(dir, 3, h -> {
            for (int i = 20; i < 26; i++) {
                h.map(S1, pages(0x100_0000L * (i + 1), 0x1_0000_0000L + 0x100_0000L * i, 1));
            }
            return table(h, S1).digest();
        });
        assertEquals(java.util.List.of(24L, 27L), snapshotSeqs(dir, "domain-2"), "the earlier run's deleted too");
        assertEquals(java.util.List.of(3L, 6L), snapshotSeqs(dir, "domain-1"));
        long recovered = withSystem(dir, 3, h -> table(h, S1).digest());
        assertEquals(digest, recovered, "recovered from the newest");
    }

    /** The sequence numbers of {@code id}'s snapshot files, ascending. */
    private static java.util.List<Long> snapshotSeqs(Path dir, String id) throws IOException {
        try (Stream<Path> files = Files.list(dir.resolve("snapshots"))) {
            return files.map(p -> p.getFileName().toString()).filter(n -> n.startsWith("snapshot-" + id + "-"))
                    .map(n -> Long.parseLong(n.substring(("snapshot-" + id + "-").length()).split("-")[0]))
                    .sorted().toList();
        }
    }

    @Test
    void refusalsAreNamedAndChangeNothing(@TempDir Path dir) {
        withSystem(dir, 0, h -> {
            DomainEntity.Refused unknown = assertInstanceOf(DomainEntity.Refused.class,
                    h.map(DomainId.of(77), pages(0, 0, 1)));
            assertEquals(DomainError.Kind.UNKNOWN_DOMAIN, unknown.error().kind());

            h.allocate(S1, DomainSpec.stage1(Granule.G4K, 48, 48, 5), CAPS);
            h.map(S1, pages(0x10000, 0x20000, 4));
            long digest = table(h, S1).digest();
            // element 1 overlaps: the whole batch is refused and names it
            DomainEntity.Refused overlap = assertInstanceOf(DomainEntity.Refused.class,
                    h.map(S1, MapBatch.of(new MapSegment(0x90000, 0x90000, 4096, Prot.rw()),
                            new MapSegment(0x11000, 0x50000, 4096, Prot.rw()))));
            assertEquals(PageTableError.Kind.OVERLAP, overlap.error().pageTable().kind());
            assertEquals(1, overlap.error().pageTable().index());
            assertEquals(digest, table(h, S1).digest());
            assertEquals(DomainError.Kind.ALREADY_ALLOCATED, ((DomainEntity.Refused) h.allocate(S1,
                    DomainSpec.stage1(Granule.G4K, 48, 48, 6), CAPS)).error().kind());
            return null;
        });
    }

    @Test
    void nestedAllocationChecksTheRealParent(@TempDir Path dir) {
        withSystem(dir, 0, h -> {
            DomainId s2 = DomainId.of(10);
            DomainId s1 = DomainId.of(11);
            DomainId nested = DomainId.of(12);
            h.allocate(s2, DomainSpec.stage2(Granule.G4K, 44, 48, 3), CAPS);
            h.allocate(s1, DomainSpec.stage1(Granule.G4K, 48, 44, 4), CAPS);
            assertEquals(DomainEntity.Done.class, h.allocate(nested,
                    DomainSpec.nested(s2, Granule.G4K, 48, 44, 7), CAPS).getClass());
            assertRefused(h.allocate(DomainId.of(13), DomainSpec.nested(s1, Granule.G4K, 48, 44, 8), CAPS),
                    DomainError.Kind.PARENT_NOT_STAGE2, "must be stage 2");
            assertRefused(h.allocate(DomainId.of(14), DomainSpec.nested(nested, Granule.G4K, 48, 44, 8), CAPS),
                    DomainError.Kind.NESTED_ON_NESTED, "nested-on-nested");
            assertRefused(h.allocate(DomainId.of(15), DomainSpec.nested(DomainId.of(99), Granule.G4K, 48, 44, 8), CAPS),
                    DomainError.Kind.PARENT_UNKNOWN, "domain-99 does not exist");
            SmmuCapabilities s1Only = CAPS.toBuilder().stage2(false).build();
            assertRefused(h.allocate(DomainId.of(16), DomainSpec.nested(s2, Granule.G4K, 48, 44, 8), s1Only),
                    DomainError.Kind.NESTING_UNSUPPORTED, "nesting needs both stages");
            assertRefused(h.allocate(DomainId.of(17), DomainSpec.stage2(Granule.G4K, 44, 48, 8), s1Only),
                    DomainError.Kind.STAGE_UNSUPPORTED, "no stage 2");
            return null;
        });
    }

    private static void assertRefused(DomainEntity.Reply reply, DomainError.Kind kind, String text) {
        DomainEntity.Refused r = assertInstanceOf(DomainEntity.Refused.class, reply);
        assertEquals(kind, r.error().kind());
        assertTrue(r.error().message().contains(text), r.error().message());
    }

    private static PageTable table(Harness h, DomainId id) {
        return h.state(id).table().orElseThrow();
    }
}
