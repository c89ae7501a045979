package org.iommusim.actors.translate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.iommusim.actors.domain.PageTableViews;
import org.iommusim.actors.smmu.InvalidationPort;
import org.iommusim.actors.smmu.SmmuEntity;
import org.iommusim.actors.smmu.SmmuNode;
import org.iommusim.persistence.smmu.IssuedInvalidation;
import org.iommusim.persistence.translate.Outcome;
import org.iommusim.protocol.capability.SmmuCapabilities;
import org.iommusim.protocol.command.TlbiNhAll;
import org.iommusim.protocol.translate.Access;
import org.iommusim.protocol.translate.Terminated;
import org.iommusim.protocol.translate.TranslationBurst;
import org.iommusim.protocol.translate.TranslationRequest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An IOTLB shard whose journal fails: every translation, including those that
 * waited for a recovery that failed, is answered as terminated with the
 * reason, nothing is left waiting, and no invalidation is acknowledged.
 */
class JournalFailureTest {
    private static final SmmuCapabilities CAPS = SmmuCapabilities.defaults();

    private static ActorTestKit kit(String journalClass, Path dir) {
        return ActorTestKit.create("failing", ConfigFactory.parseString(
                "pekko.persistence.journal.plugin = \"failing-journal\"\n"
                        + "failing-journal.class = \"" + journalClass + "\"\n"
                        + "pekko.persistence.snapshot-store.plugin = \"pekko.persistence.snapshot-store.local\"\n"
                        + "pekko.persistence.snapshot-store.local.dir = \"" + dir.resolve("snapshots") + "\"\n")
                .withFallback(ConfigFactory.load()));
    }

    private static TranslationPool pool(ActorTestKit kit, org.iommusim.actors.smmu.FaultChannel sink) {
        return TranslationPool.spawn(1, CAPS.tbuCount(), CAPS::tbuOf, 64, (k, tbus, inbox) -> kit.spawn(
                TranslationWorker.create("smmu-9", tbus, CAPS, new SmmuNode.Handles().views, new PageTableViews(), sink,
                TranslationWorker.Settings.defaults(), inbox)));
    }

    @Test
    void workThatWaitedForAFailedRecoveryIsAnsweredNotLost(@TempDir Path dir) throws Exception {
        ActorTestKit kit = kit(FailingJournals.FailingRecovery.class.getName(), dir);
        try {
            TranslationPool pool = pool(kit, new org.iommusim.actors.smmu.FaultChannel(16));
            TranslationBurst b = new TranslationBurst(2);
            b.add(1, 0x1000, Access.READ);
            b.add(1, 0x2000, Access.WRITE);
            CompletableFuture<TranslationBurst> burst = new CompletableFuture<>();
            pool.submit(b, burst::complete); // arrives while the recovery is still under way
            CompletableFuture<Outcome> one = new CompletableFuture<>();
            pool.translate(TranslationRequest.of(1, 0x3000, Access.READ), one::complete);
            TranslationBurst done = burst.get(30, TimeUnit.SECONDS);
            for (int i = 0; i < 2; i++) {
                Terminated t = assertInstanceOf(Terminated.class, done.result(i));
                assertTrue(t.reason().contains("smmu-9/tbu-0") && t.reason().contains("did not recover"), t.reason());
            }
            assertInstanceOf(Terminated.class, one.get(30, TimeUnit.SECONDS).result());
            assertEquals(0, pool.inFlight());
        } finally {
            kit.shutdownTestKit();
        }
    }

    @Test
    void aFailedWriteTakesTheShardOutOfServiceAndAcknowledgesNothing(@TempDir Path dir) throws Exception {
        ActorTestKit kit = kit(FailingJournals.FailingWrites.class.getName(), dir);
        try {
            TestProbe<SmmuEntity.Command> smmu = kit.createTestProbe(); // where acknowledgements would go
            TranslationPool pool = pool(kit, new org.iommusim.actors.smmu.FaultChannel(16));
            ActorRef<TranslationWorker.Command> worker = pool.workers().get(0);
            worker.tell(new InvalidationPort.Invalidate(List.of(new IssuedInvalidation(1, new TlbiNhAll(0))),
                    smmu.getRef()));
            TranslationBurst after = null;
            // the write fails on its own schedule: ask until the shard says it is out of service
            for (int attempt = 0; attempt < 100 && after == null; attempt++) {
                TranslationBurst b = new TranslationBurst(1);
                b.add(1, 0x1000, Access.READ);
                CompletableFuture<TranslationBurst> f = new CompletableFuture<>();
                pool.submit(b, f::complete);
                TranslationBurst answered = f.get(30, TimeUnit.SECONDS);
                if (answered.result(0) instanceof Terminated t && t.reason().contains("journal failed")) {
                    after = answered;
                } else {
                    Thread.sleep(50);
                }
            }
            assertTrue(after != null, "the shard went out of service after its journal refused a write");
            smmu.expectNoMessage(java.time.Duration.ofMillis(300)); // the invalidation was never acknowledged
            // a device that submits again from every answer: the out-of-service shard still takes other messages
            java.util.concurrent.atomic.AtomicBoolean stop = new java.util.concurrent.atomic.AtomicBoolean();
            java.util.function.Consumer<TranslationBurst>[] again = new java.util.function.Consumer[1];
            again[0] = done -> {
                if (!stop.get()) {
                    pool.submit(done, again[0]);
                }
            };
            for (int i = 0; i < 8; i++) {
                TranslationBurst b = new TranslationBurst(1);
                b.add(1, 0x1000, Access.READ);
                pool.submit(b, again[0]);
            }
            CompletableFuture<Runnable> flushed = new CompletableFuture<>();
            worker.tell(new TranslationWorker.Flush(() -> flushed.complete(null)));
            try {
                flushed.get(30, TimeUnit.SECONDS); // a stop is not held up by a broken shard
            } finally {
                stop.set(true);
            }
        } finally {
            kit.shutdownTestKit();
        }
    }

    @Test
    void aClosedWorkerWhoseJournalFailsAnswersTheFlushWaitingForIt(@TempDir Path dir) throws Exception {
        FailingJournals.HeldWrites.HELD.clear();
        ActorTestKit kit = kit(FailingJournals.HeldWrites.class.getName(), dir);
        try {
            TestProbe<SmmuEntity.Command> smmu = kit.createTestProbe();
            TranslationPool pool = pool(kit, new org.iommusim.actors.smmu.FaultChannel(16));
            ActorRef<TranslationWorker.Command> worker = pool.workers().get(0);
            // an invalidation's acknowledgement is written: that write is in flight, held by the journal
            worker.tell(new InvalidationPort.Invalidate(List.of(new IssuedInvalidation(1, new TlbiNhAll(0))),
                    smmu.getRef()));
            scala.concurrent.Promise<Iterable<java.util.Optional<Exception>>> held =
                    FailingJournals.HeldWrites.HELD.poll(30, TimeUnit.SECONDS);
            assertTrue(held != null, "the worker sent its write");
            worker.tell(new TranslationWorker.Close("closing"));
            CompletableFuture<Void> flushed = new CompletableFuture<>();
            worker.tell(new TranslationWorker.Flush(() -> flushed.complete(null)));
            held.failure(new IllegalStateException("the disk went away")); // the journal stops: no write answered
            flushed.get(10, TimeUnit.SECONDS); // the close is not held up by a write that will never be answered
            // the worker outlived its journal's failure and still answers
            TestProbe<TranslationWorker.ShardReport> reports = kit.createTestProbe();
            worker.tell(new TranslationWorker.GetShard(reports.getRef()));
            reports.expectMessageClass(TranslationWorker.ShardReport.class);
        } finally {
            kit.shutdownTestKit();
        }
    }
}
