package org.iommusim.actors.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.iommusim.actors.internal.ModelInternals;
import org.iommusim.actors.pekko.PekkoEmbedding;
import org.iommusim.persistence.journal.JournalSettings;
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
import org.iommusim.protocol.domain.Prot;
import org.iommusim.protocol.domain.UnmapBatch;
import org.iommusim.protocol.translate.Access;
import org.iommusim.protocol.translate.Terminated;
import org.iommusim.protocol.translate.TranslationBurst;
import org.iommusim.protocol.translate.TranslationRequest;
import org.iommusim.protocol.translate.Translated;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Issue M point 3: close is idempotent and prompt, and after it every call fails at once with CLOSED. */
class LifecycleTest {
    private static final SmmuCapabilities CAPS = SmmuCapabilities.defaults();
    private static final DomainId D = DomainId.of(1);

    static void attach(IommuSim sim, Smmu smmu, int sid) {
        sim.allocateDomain(D, DomainSpec.stage1(Granule.G4K, 48, 48, 5), smmu);
        sim.map(D, MapBatch.single(0x1000_0000L, 0x8000_0000L, 0x10000, Prot.rw()));
        sim.writeCd(smmu, sid, 0, Cd.of(5, D));
        sim.writeSte(smmu, sid, Ste.stage1(0, S1Dss.SSID0));
        sim.submitAndWait(smmu, List.of(new CfgiSte(sid, false), CmdSync.poll()));
    }

    private static ModelException closedAtOnce(Supplier<? extends CompletionStage<?>> call) {
        CompletableFuture<?> f = call.get().toCompletableFuture();
        assertTrue(f.isDone(), "a call after close fails at once, not after a timeout");
        ExecutionException e = assertThrows(ExecutionException.class, f::get);
        return assertInstanceOf(ModelException.class, e.getCause());
    }

    @Test
    void afterCloseEveryCallFailsAtOnceWithClosedAndCloseIsIdempotent(@TempDir Path dir) {
        IommuSim sim = IommuSim.start(ModelOptions.at(dir).withWorkers(2));
        Smmu smmu = sim.addSmmu(0, CAPS);
        attach(sim, smmu, 1);
        TranslationPort port = sim.translationPort(smmu);
        // a call that cannot complete while the model runs: the consumer will never pass this index
        CompletableFuture<Long> pending = sim.awaitConsumedAsync(smmu, 1_000_000).toCompletableFuture();
        sim.close();
        ExecutionException e = assertThrows(ExecutionException.class, () -> pending.get(5, TimeUnit.SECONDS));
        assertEquals(ModelException.Kind.CLOSED, assertInstanceOf(ModelException.class, e.getCause()).kind());
        assertTrue(sim.isClosed());

        TranslationRequest r = TranslationRequest.of(1, 0x1000_0000L, Access.READ);
        for (Supplier<? extends CompletionStage<?>> call : List.<Supplier<? extends CompletionStage<?>>>of(
                () -> sim.mapAsync(D, MapBatch.single(0x2000_0000L, 0x9000_0000L, 0x1000, Prot.rw())),
                () -> sim.unmapAsync(D, UnmapBatch.single(0x1000_0000L, 0x1000)),
                () -> sim.writeSteAsync(smmu, 1, Ste.abort()),
                () -> sim.submitAsync(smmu, List.of(CmdSync.poll())),
                () -> ModelInternals.smmuStateAsync(sim, smmu),
                () -> sim.translateAsync(smmu, r),
                () -> sim.translateBurstAsync(smmu, List.of(r)),
                () -> sim.statisticsAsync(smmu))) {
            assertEquals(ModelException.Kind.CLOSED, closedAtOnce(call).kind());
        }
        assertEquals(ModelException.Kind.CLOSED, assertThrows(ModelException.class, () -> sim.translate(smmu, r)).kind());
        assertEquals(ModelException.Kind.CLOSED, assertThrows(ModelException.class,
                () -> sim.map(D, MapBatch.single(0x2000_0000L, 0x9000_0000L, 0x1000, Prot.rw()))).kind(),
                "a blocking call throws the ModelException itself, not a CompletionException");
        TranslationBurst b = port.newBurst();
        b.add(r);
        assertEquals(ModelException.Kind.CLOSED, assertThrows(ModelException.class, () -> port.submit(b)).kind());
        assertEquals(ModelException.Kind.CLOSED, assertThrows(ModelException.class,
                () -> port.translate(r, x -> {})).kind());
        assertEquals(ModelException.Kind.CLOSED, assertThrows(ModelException.class, () -> sim.addSmmu(1, CAPS)).kind());

        CompletableFuture<Void> second = CompletableFuture.runAsync(sim::close);
        second.orTimeout(10, TimeUnit.SECONDS).join(); // idempotent and prompt, not a 30 s wait
        try (IommuSim again = IommuSim.start(ModelOptions.at(dir).withWorkers(1))) {
            Smmu s = again.addSmmu(0, CAPS);
            assertInstanceOf(Translated.class, again.translate(s, r), "the directory was released and is whole");
        }
    }

    @Test
    void burstsInFlightWhenTheModelClosesAreAnswered(@TempDir Path dir) throws Exception {
        IommuSim sim = IommuSim.start(ModelOptions.at(dir).withWorkers(2));
        Smmu smmu = sim.addSmmu(0, CAPS);
        attach(sim, smmu, 1);
        TranslationPort port = sim.translationPort(smmu);
        int bursts = 3000; // more than the pool admits at once: some wait in admission when the close comes
        List<CompletableFuture<TranslationBurst>> futures = new java.util.ArrayList<>();
        java.util.concurrent.atomic.AtomicInteger callbacks = new java.util.concurrent.atomic.AtomicInteger();
        for (int i = 0; i < bursts; i++) {
            TranslationBurst b = port.newBurst();
            for (int j = 0; j < 16; j++) {
                b.add(1, 0x1000_0000L + 0x1000L * j, Access.READ);
            }
            if (i % 2 == 0) {
                futures.add(port.submit(b));
            } else {
                port.submit(b, x -> callbacks.incrementAndGet());
            }
        }
        sim.close();
        for (CompletableFuture<TranslationBurst> f : futures) {
            assertTrue(f.isDone(), "every future of the port is complete once close returns");
            if (f.isCompletedExceptionally()) {
                ExecutionException e = assertThrows(ExecutionException.class, f::get);
                assertEquals(ModelException.Kind.CLOSED, ((ModelException) e.getCause()).kind());
            } else {
                TranslationBurst done = f.get();
                for (int j = 0; j < done.size(); j++) {
                    assertInstanceOf(Translated.class, done.result(j));
                }
            }
        }
        assertEquals(bursts / 2, callbacks.get(), "every callback ran (answered, or terminated by the close)");
    }

    @Test
    void aClosedPortAnswersLateSubmissionsAsTerminated(@TempDir Path dir) {
        IommuSim sim = IommuSim.start(ModelOptions.at(dir).withWorkers(1));
        Smmu smmu = sim.addSmmu(0, CAPS);
        attach(sim, smmu, 1);
        var pool = smmu.handles.pool();
        sim.close();
        TranslationBurst b = new TranslationBurst(4);
        b.add(1, 0x1000_0000L, Access.READ);
        CompletableFuture<TranslationBurst> f = new CompletableFuture<>();
        pool.submit(b, f::complete); // past the facade's check, as a racing submitter would be
        assertTrue(f.isDone());
        assertInstanceOf(Terminated.class, f.join().result(0));
    }

    @Test
    void insideModeCloseStopsTheModelAndASecondModelStartsOnTheSameSystem(@TempDir Path dir) {
        ModelOptions opts = ModelOptions.at(dir).withWorkers(1);
        JournalSettings journal = JournalSettings.levelDb(dir).prepare();
        ActorSystem<Void> mine = ActorSystem.create(Behaviors.empty(), "callers-own", PekkoEmbedding.config(opts));
        try {
            IommuSim first = PekkoEmbedding.inside(mine, opts);
            Smmu smmu = first.addSmmu(0, CAPS);
            attach(first, smmu, 1);
            CompletableFuture<Long> pending = first.awaitConsumedAsync(smmu, 1_000_000).toCompletableFuture();
            first.close();
            assertTrue(pending.isCompletedExceptionally());
            assertFalse(mine.getWhenTerminated().toCompletableFuture().isDone(), "the caller's system keeps running");

            // the first model's entities are stopped: a second one recovers and writes the same ids without clashing
            IommuSim second = PekkoEmbedding.inside(mine, opts);
            Smmu again = second.addSmmu(0, CAPS);
            TranslationRequest r = TranslationRequest.of(1, 0x1000_0000L, Access.READ);
            assertEquals(0x8000_0000L, ((Translated) second.translate(again, r)).outputAddress());
            second.map(D, MapBatch.single(0x2000_0000L, 0x9000_0000L, 0x1000, Prot.rw()));
            second.close();
        } finally {
            mine.terminate();
            mine.getWhenTerminated().toCompletableFuture().join();
            journal.release();
        }
    }

    @Test
    void aCloseInsideATerminatingSystemEndsWithTheModelsActors(@TempDir Path dir) throws Exception {
        // an owner that closes its model when it stops, as a cluster's SMMU partition does; the system's
        // termination stops the owner and the model's actors together, so the close's questions go unanswered
        ModelOptions opts = ModelOptions.at(dir).withWorkers(2).withCallTimeout(java.time.Duration.ofMinutes(10));
        JournalSettings journal = JournalSettings.levelDb(dir).prepare();
        ActorSystem<Void> mine = ActorSystem.create(Behaviors.empty(), "terminating", PekkoEmbedding.config(opts));
        CompletableFuture<IommuSim> model = new CompletableFuture<>();
        CompletableFuture<Void> closed = new CompletableFuture<>();
        try {
            mine.systemActorOf(Behaviors.<Void>setup(ctx -> {
                IommuSim sim = PekkoEmbedding.inside(mine, opts);
                model.complete(sim);
                return Behaviors.<Void>receive(Void.class)
                        .onSignal(org.apache.pekko.actor.typed.PostStop.class, st -> {
                            sim.close();
                            closed.complete(null);
                            return Behaviors.same();
                        })
                        .build();
            }), "owner", org.apache.pekko.actor.typed.Props.empty());
            IommuSim sim = model.get(60, TimeUnit.SECONDS);
            attach(sim, sim.addSmmu(0, CAPS), 1);
        } finally {
            mine.terminate();
            // well inside one call timeout: before, each of the close's steps waited out the timeout
            mine.getWhenTerminated().toCompletableFuture().get(2, TimeUnit.MINUTES);
            journal.release();
        }
        assertTrue(closed.isDone(), "the owner's close returned");
        assertTrue(model.get().isClosed());
    }

    @Test
    void theSmmuStopsBetweenItsOwnWritesSoNoJournalAnswerReachesItAfterTheClose(@TempDir Path dir) {
        ModelOptions opts = ModelOptions.at(dir).withWorkers(2);
        JournalSettings journal = JournalSettings.levelDb(dir).prepare();
        ActorSystem<Void> mine = ActorSystem.create(Behaviors.empty(), "close-between-writes", PekkoEmbedding.config(opts));
        org.iommusim.actors.testing.DropCounter drops = org.iommusim.actors.testing.DropCounter.on(mine, "drops");
        try {
            for (int round = 0; round < 10; round++) {
                IommuSim sim = PekkoEmbedding.inside(mine, opts);
                Smmu smmu = sim.addSmmu(round, CAPS); // a fresh queue each round
                // the submit is answered once the commands are queued; the SMMU then consumes them in writes of its
                // own, with the workers' acknowledgements, while the close runs
                List<org.iommusim.protocol.command.Command> cmds = new java.util.ArrayList<>();
                for (int i = 0; i < 100; i++) {
                    cmds.add(new org.iommusim.protocol.command.TlbiNhAsid(0, i));
                    cmds.add(CmdSync.poll());
                }
                sim.submit(smmu, cmds);
                sim.close();
            }
        } finally {
            mine.terminate();
            mine.getWhenTerminated().toCompletableFuture().join();
            journal.release();
        }
        assertEquals(List.of(), drops.lost().stream().filter(l -> !l.startsWith("SuppressedDeadLetter")).toList(),
                "no message, journal answers included, reached a stopped actor");
    }
}
