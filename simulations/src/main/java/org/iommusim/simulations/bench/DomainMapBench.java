package org.iommusim.simulations.bench;

import com.typesafe.config.ConfigFactory;
import java.io.File;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.fusesource.leveldbjni.JniDBFactory;
import org.iommusim.actors.domain.DomainDirectory;
import org.iommusim.actors.domain.DomainEntity;
import org.iommusim.actors.domain.PageTableViews;
import org.iommusim.persistence.domain.DomainEvent;
import org.iommusim.persistence.journal.JournalSettings;
import org.iommusim.persistence.pagetable.Mapped;
import org.iommusim.persistence.pagetable.Unmapped;
import org.iommusim.persistence.serialization.IommuSimSerializer;
import org.iommusim.protocol.capability.SmmuCapabilities;
import org.iommusim.protocol.domain.DomainId;
import org.iommusim.protocol.domain.DomainSpec;
import org.iommusim.protocol.domain.Granule;
import org.iommusim.protocol.domain.MapBatch;
import org.iommusim.protocol.domain.MapSegment;
import org.iommusim.protocol.domain.Prot;
import org.iommusim.protocol.domain.UnmapBatch;
import org.iommusim.protocol.domain.UnmapSegment;
import org.iq80.leveldb.DB;
import org.iq80.leveldb.Options;
import org.iq80.leveldb.WriteBatch;
import org.iq80.leveldb.WriteOptions;

/**
 * Map+unmap requests through a domain actor on the LevelDB JNI journal with
 * fsync on, one request in flight (each reply waits for its write), at
 * scatter-gather batch sizes 1, 64 and 512 pages; beside it, in the same run,
 * a raw LevelDB JNI loop writing the same event bytes with sync writes.
 *
 * <p>Run: {@code java -cp simulations/target/iommu-sim.jar org.iommusim.simulations.bench.DomainMapBench [requests]}
 */
public final class DomainMapBench {
    private static final Duration TIMEOUT = Duration.ofSeconds(30);
    private static final IommuSimSerializer SERIALIZER = new IommuSimSerializer();

    private DomainMapBench() {}

    public static void main(String[] args) throws Exception {
        int requests = args.length > 0 ? Integer.parseInt(args[0]) : 400;
        System.out.printf("domain map+unmap, fsync on, %d requests per round, 1 in flight%n", requests);
        System.out.printf("%-6s %-58s %-58s %8s %12s%n", "batch", "actor requests/s", "raw LevelDB writes/s", "ratio",
                "actor pages/s");
        for (int batch : new int[] {1, 64, 512}) {
            Rounds actor = actorRounds(batch, requests);
            Rounds raw = rawRounds(batch, requests);
            System.out.printf("%-6d %-58s %-58s %8.2f %,12.0f%n", batch, actor.summary(), raw.summary(),
                    actor.mean() / raw.mean(), actor.mean() * batch);
        }
    }

    static MapBatch mapBatch(long base, int pages) {
        List<MapSegment> segs = new ArrayList<>(pages);
        for (int i = 0; i < pages; i++) {
            segs.add(new MapSegment(base + i * 4096L, 0x1_0000_0000L + i * 4096L, 4096, Prot.rw()));
        }
        return new MapBatch(segs);
    }

    static UnmapBatch unmapBatch(long base, int pages) {
        List<UnmapSegment> segs = new ArrayList<>(pages);
        for (int i = 0; i < pages; i++) {
            segs.add(new UnmapSegment(base + i * 4096L, 4096));
        }
        return new UnmapBatch(segs);
    }

    static Rounds actorRounds(int batch, int requests) throws Exception {
        Path dir = Files.createTempDirectory("iommu-sim-bench-domain");
        JournalSettings journal = JournalSettings.levelDb(dir).withFsync(true).prepare();
        ActorSystem<DomainDirectory.Command> system = ActorSystem.create(
                DomainDirectory.create(new DomainEntity.Settings(0, 1), new PageTableViews()), "bench",
                journal.toConfig().withFallback(ConfigFactory.load()));
        try {
            DomainId id = DomainId.of(1);
            ask(system, r -> new DomainDirectory.Allocate(id, DomainSpec.stage1(Granule.G4K, 48, 48, 1),
                    SmmuCapabilities.defaults(), r));
            MapBatch map = mapBatch(0x10_0000_0000L, batch);
            UnmapBatch unmap = unmapBatch(0x10_0000_0000L, batch);
            return Rounds.measure(2, 5, () -> {
                for (int i = 0; i < requests / 2; i++) {
                    expectDone(ask(system, r -> new DomainDirectory.Deliver(id, new DomainEntity.Map(map, r))));
                    expectDone(ask(system, r -> new DomainDirectory.Deliver(id, new DomainEntity.Unmap(unmap, r))));
                }
                return requests / 2 * 2;
            });
        } finally {
            system.terminate();
            system.getWhenTerminated().toCompletableFuture().join();
            journal.release();
            deleteTree(dir);
        }
    }

    static Rounds rawRounds(int batch, int requests) throws Exception {
        Path dir = Files.createTempDirectory("iommu-sim-bench-raw");
        byte[] mapBytes = SERIALIZER.toBinary(new DomainEvent.TableChanged(new Mapped(mapBatch(0x10_0000_0000L, batch).segments())));
        byte[] unmapBytes = SERIALIZER.toBinary(new DomainEvent.TableChanged(new Unmapped(unmapBatch(0x10_0000_0000L, batch).segments())));
        try (DB db = JniDBFactory.factory.open(dir.toFile(), new Options().createIfMissing(true))) {
            WriteOptions sync = new WriteOptions().sync(true);
            long[] seq = {0};
            return Rounds.measure(2, 5, () -> {
                for (int i = 0; i < requests / 2; i++) {
                    write(db, sync, ++seq[0], mapBytes);
                    write(db, sync, ++seq[0], unmapBytes);
                }
                return requests / 2 * 2;
            });
        } finally {
            deleteTree(dir);
        }
    }

    /** One write batch per event, keyed (persistence id number, sequence number) as Pekko's journal does. */
    private static void write(DB db, WriteOptions sync, long seq, byte[] value) throws Exception {
        try (WriteBatch wb = db.createWriteBatch()) {
            wb.put(ByteBuffer.allocate(16).putLong(10).putLong(seq).array(), value);
            db.write(wb, sync);
        }
    }

    private static DomainEntity.Reply ask(ActorSystem<DomainDirectory.Command> system,
            org.apache.pekko.japi.function.Function<ActorRef<DomainEntity.Reply>, DomainDirectory.Command> msg) {
        return AskPattern.ask(system, msg::apply, TIMEOUT, system.scheduler()).toCompletableFuture().join();
    }

    private static void expectDone(DomainEntity.Reply reply) {
        if (!(reply instanceof DomainEntity.Done)) {
            throw new IllegalStateException("benchmark request refused: " + reply);
        }
    }

    static void deleteTree(Path dir) throws java.io.IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (var walk = Files.walk(dir)) {
            walk.sorted(java.util.Comparator.reverseOrder()).map(Path::toFile).forEach(File::delete);
        }
    }

}
