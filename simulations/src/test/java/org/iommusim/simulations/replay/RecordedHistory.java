package org.iommusim.simulations.replay;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.iommusim.actors.domain.DomainDirectory;
import org.iommusim.actors.domain.DomainEntity;
import org.iommusim.actors.domain.PageTableViews;
import org.iommusim.persistence.journal.JournalSettings;
import org.iommusim.protocol.capability.SmmuCapabilities;
import org.iommusim.protocol.domain.DomainId;
import org.iommusim.protocol.domain.DomainSpec;
import org.iommusim.protocol.domain.Granule;
import org.iommusim.protocol.domain.MapBatch;
import org.iommusim.protocol.domain.MapSegment;
import org.iommusim.protocol.domain.Prot;
import org.iommusim.protocol.domain.UnmapBatch;

/**
 * Writes the fixed history the expected files under {@code replay/} describe,
 * with the real domain actors on a real LevelDB journal, then stops the
 * ActorSystem and releases the directory. A snapshot every 3 events, none
 * deleted, so which snapshots exist is part of the history too.
 *
 * <pre>
 *  step  entity    seq  request
 *   1    domain-1   1   allocate STAGE2 4K ias=40 oas=48 vmid=0x9
 *   2    domain-2   1   allocate STAGE1 4K ias=48 oas=48 asid=0x5
 *   3    domain-2   2   map 4 single pages 0x10000.. -> 0x80000.. READ|WRITE
 *   4    domain-2   3   map a 2M block 0x200000 -> 0x40000000 READ          (snapshot #3)
 *   5    domain-1   2   map 0x10000000 -> 0x20000000 0x3000 WRITE|NOEXEC
 *   6    domain-2   4   unmap 0x12000 0x2000 (the last two pages)
 *   7    domain-2   -   map over 0x10000: refused (overlap), nothing recorded
 *   8    domain-2   5   map 0x400000 -> 0x50000000 0x1000 READ|WRITE|CACHE
 *                        and 0x800000 -> 0x60000000 0x2000 READ|PRIV
 *   9    domain-3   1   allocate NESTED on domain-1, 4K ias=48 oas=40 asid=0x7
 *  10    domain-3   2   map 0x1000 -> 0x3000000 0x1000 READ|WRITE
 *  11    domain-3   3   free                                               (snapshot #3)
 *  12    domain-2   6   unmap the block 0x200000 0x200000                  (snapshot #6)
 * </pre>
 */
final class RecordedHistory {
    static final DomainId D1 = DomainId.of(1);
    static final DomainId D2 = DomainId.of(2);
    static final DomainId D3 = DomainId.of(3);
    private static final SmmuCapabilities CAPS = SmmuCapabilities.defaults();
    private static final Duration TIMEOUT = Duration.ofSeconds(20);

    private RecordedHistory() {}

    static void write(Path dataDir) throws Exception {
        // logging first, or Pekko's first log call lands during SLF4J's initialisation and is "replayed" noisily
        org.slf4j.LoggerFactory.getILoggerFactory();
        JournalSettings journal = JournalSettings.levelDb(dataDir).prepare();
        Config config = journal.toConfig().withFallback(ConfigFactory.load());
        ActorSystem<DomainDirectory.Command> system = ActorSystem.create(
                DomainDirectory.create(new DomainEntity.Settings(3, 10), new PageTableViews()), "history", config);
        try {
            Requests r = new Requests(system);
            r.expectDone(1, r.allocate(D1, DomainSpec.stage2(Granule.G4K, 40, 48, 9)));
            r.expectDone(1, r.allocate(D2, DomainSpec.stage1(Granule.G4K, 48, 48, 5)));
            r.expectDone(2, r.map(D2, new MapBatch(List.of(
                    page(0x10000, 0x80000), page(0x11000, 0x81000), page(0x12000, 0x82000), page(0x13000, 0x83000)))));
            r.expectDone(3, r.map(D2, MapBatch.single(0x200000, 0x4000_0000L, 0x200000, Prot.of(Prot.READ))));
            r.expectDone(2, r.map(D1, MapBatch.single(0x1000_0000L, 0x2000_0000L, 0x3000,
                    Prot.of(Prot.WRITE | Prot.NOEXEC))));
            r.expectDone(4, r.unmap(D2, UnmapBatch.single(0x12000, 0x2000)));
            if (!(r.map(D2, MapBatch.single(0x10000, 0x90000, 0x1000, Prot.rw())) instanceof DomainEntity.Refused)) {
                throw new IllegalStateException("the overlapping map was not refused");
            }
            r.expectDone(5, r.map(D2, MapBatch.of(
                    new MapSegment(0x400000, 0x5000_0000L, 0x1000, Prot.of(Prot.READ | Prot.WRITE | Prot.CACHE)),
                    new MapSegment(0x800000, 0x6000_0000L, 0x2000, Prot.of(Prot.READ | Prot.PRIV)))));
            r.expectDone(1, r.allocate(D3, DomainSpec.nested(D1, Granule.G4K, 48, 40, 7)));
            r.expectDone(2, r.map(D3, MapBatch.single(0x1000, 0x300_0000L, 0x1000, Prot.rw())));
            r.expectDone(3, r.free(D3));
            r.expectDone(6, r.unmap(D2, UnmapBatch.single(0x200000, 0x200000)));
            awaitSnapshots(journal.snapshotDir(), 3);
        } finally {
            system.terminate();
            system.getWhenTerminated().toCompletableFuture().get(30, TimeUnit.SECONDS);
            journal.release();
        }
    }

    private static MapSegment page(long iova, long pa) {
        return new MapSegment(iova, pa, 0x1000, Prot.rw());
    }

    /** Snapshots are written beside the journal, not in its write path: wait until all are on disk. */
    private static void awaitSnapshots(Path dir, int count) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            try (Stream<Path> files = Files.list(dir)) {
                if (files.filter(f -> f.getFileName().toString().matches("snapshot-.*-\\d+-\\d+")).count() >= count) {
                    return;
                }
            }
            Thread.sleep(20);
        }
        throw new IllegalStateException("snapshots were not written within " + TIMEOUT);
    }

    /** Asks the directory and waits for each reply, so the history is strictly ordered. */
    private record Requests(ActorSystem<DomainDirectory.Command> system) {
        DomainEntity.Reply allocate(DomainId id, DomainSpec spec) throws Exception {
            return ask(replyTo -> new DomainDirectory.Allocate(id, spec, CAPS, replyTo));
        }

        DomainEntity.Reply map(DomainId id, MapBatch batch) throws Exception {
            return ask(replyTo -> new DomainDirectory.Deliver(id, new DomainEntity.Map(batch, replyTo)));
        }

        DomainEntity.Reply unmap(DomainId id, UnmapBatch batch) throws Exception {
            return ask(replyTo -> new DomainDirectory.Deliver(id, new DomainEntity.Unmap(batch, replyTo)));
        }

        DomainEntity.Reply free(DomainId id) throws Exception {
            return ask(replyTo -> new DomainDirectory.Deliver(id, new DomainEntity.Free(replyTo)));
        }

        private DomainEntity.Reply ask(org.apache.pekko.japi.function.Function<ActorRef<DomainEntity.Reply>,
                DomainDirectory.Command> message) throws Exception {
            CompletionStage<DomainEntity.Reply> reply = AskPattern.ask(system, message::apply, TIMEOUT, system.scheduler());
            return reply.toCompletableFuture().get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        }

        void expectDone(long seq, DomainEntity.Reply reply) {
            if (!new DomainEntity.Done(seq).equals(reply)) {
                throw new IllegalStateException("expected Done(" + seq + "), got " + reply);
            }
        }
    }
}
