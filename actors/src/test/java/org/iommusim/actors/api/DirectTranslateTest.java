package org.iommusim.actors.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.function.BiFunction;
import org.iommusim.actors.exec.CallerDrivenExecutor;
import org.iommusim.actors.internal.ModelInternals;
import org.iommusim.protocol.command.CmdSync;
import org.iommusim.protocol.command.TlbiNhVa;
import org.iommusim.protocol.domain.MapBatch;
import org.iommusim.protocol.domain.Prot;
import org.iommusim.protocol.domain.UnmapBatch;
import org.iommusim.protocol.event.SmmuEvent;
import org.iommusim.protocol.translate.Access;
import org.iommusim.protocol.translate.Faulted;
import org.iommusim.protocol.translate.Translated;
import org.iommusim.protocol.translate.TranslationPath;
import org.iommusim.protocol.translate.TranslationRequest;
import org.iommusim.protocol.translate.TranslationResult;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A blocking {@code translate} on a model at rest runs its worker's handler on
 * the caller's thread instead of a turn through the mailbox: no task runs,
 * and what it leaves (caches, counters, fault records, the journal's bytes)
 * is what the mailbox turn leaves.
 */
class DirectTranslateTest {
    private static final long UNMAPPED = 0x5000_0000L;

    /** Misses, hits, a fault, the flush by virtual time, an unmap with its TLBI and sync, a fault after it. */
    private static List<Object> drive(IommuSim sim, BiFunction<Smmu, TranslationRequest, TranslationResult> translate) {
        Smmu smmu = DeterministicWorkload.attach(sim);
        List<Object> seen = new ArrayList<>();
        TranslationRequest r = TranslationRequest.of(1, DeterministicWorkload.IOVA + 0x10, Access.READ);
        seen.add(translate.apply(smmu, r));
        seen.add(translate.apply(smmu, r));
        seen.add(translate.apply(smmu, TranslationRequest.of(1, DeterministicWorkload.IOVA + 0x1000, Access.WRITE)));
        seen.add(translate.apply(smmu, TranslationRequest.of(1, UNMAPPED, Access.READ)));
        seen.add(translate.apply(smmu, r));
        sim.advanceTo(sim.virtualNanos() + 10_000_000L);
        seen.add(translate.apply(smmu, r));
        sim.unmap(DeterministicWorkload.D, UnmapBatch.single(DeterministicWorkload.IOVA, 0x1000));
        sim.submitAndWait(smmu, List.of(TlbiNhVa.of(0, 5, DeterministicWorkload.IOVA, true), CmdSync.poll()));
        seen.add(translate.apply(smmu, r));
        SmmuStatistics s = sim.statistics(smmu);
        seen.add(List.of(s.hits(), s.misses(), s.fills(), s.evictions()));
        seen.add(sim.readEvents(smmu, 16).stream().map(SmmuEvent::toString).toList());
        return seen;
    }

    private static TranslationResult throughTheMailbox(IommuSim sim, Smmu smmu, TranslationRequest r) {
        CompletionStage<TranslationResult> f = sim.translateAsync(smmu, r);
        return ModelInternals.deterministicRuntime(sim).await(f, "a translation through the worker's mailbox");
    }

    @Test
    void atRestItLeavesWhatTheWorkersTurnLeaves(@TempDir Path dir) {
        List<Object> direct;
        try (IommuSim sim = IommuSim.start(ModelOptions.at(dir.resolve("direct")).withFsync(false).deterministic())) {
            direct = drive(sim, sim::translate);
        }
        List<Object> mailbox;
        try (IommuSim sim = IommuSim.start(ModelOptions.at(dir.resolve("mailbox")).withFsync(false).deterministic())) {
            mailbox = drive(sim, (smmu, r) -> throughTheMailbox(sim, smmu, r));
        }
        assertEquals(mailbox, direct, "the same answers, counters and event records");
        assertInstanceOf(Faulted.class, direct.get(3));
        assertInstanceOf(Faulted.class, direct.get(6), "the unmapped and invalidated page is not used any more");
        assertEquals(DeterministicWorkload.digest(dir.resolve("mailbox")), DeterministicWorkload.digest(dir.resolve("direct")),
                "the same journal, byte for byte (the fills' write-behind included)");
    }

    @Test
    void theDetailedFormToo(@TempDir Path dir) {
        List<TranslationDetail> direct = new ArrayList<>();
        List<TranslationDetail> mailbox = new ArrayList<>();
        for (boolean isDirect : new boolean[] {true, false}) {
            try (IommuSim sim = IommuSim.start(ModelOptions.at(dir.resolve(isDirect ? "direct" : "mailbox"))
                    .withFsync(false).deterministic())) {
                Smmu smmu = DeterministicWorkload.attach(sim);
                for (long iova : new long[] {DeterministicWorkload.IOVA, DeterministicWorkload.IOVA, UNMAPPED}) {
                    TranslationRequest r = TranslationRequest.of(1, iova, Access.READ);
                    if (isDirect) {
                        direct.add(sim.translateDetailed(smmu, r));
                    } else {
                        mailbox.add(ModelInternals.deterministicRuntime(sim).await(sim.translateDetailedAsync(smmu, r),
                                "a detailed translation through the mailbox"));
                    }
                }
            }
        }
        assertEquals(mailbox, direct, "the same path, descriptor reads and fault fields");
        assertEquals(List.of(TranslationPath.TLB_MISS, TranslationPath.TLB_HIT),
                direct.subList(0, 2).stream().map(TranslationDetail::path).toList());
        assertTrue(direct.get(0).descriptorReads() > 0, "the miss walked");
    }

    @Test
    void atRestNoTaskRunsAndTheHitIsCounted(@TempDir Path dir) {
        try (IommuSim sim = IommuSim.start(ModelOptions.at(dir).withFsync(false).deterministic())) {
            Smmu smmu = DeterministicWorkload.attach(sim);
            TranslationRequest r = TranslationRequest.of(1, DeterministicWorkload.IOVA + 0x10, Access.READ);
            sim.translate(smmu, r);
            sim.runUntilIdle();
            CallerDrivenExecutor executor = ModelInternals.deterministicRuntime(sim).executor();
            long tasks = executor.executed();
            long hits = sim.statistics(smmu).hits();
            tasks = executor.executed() - tasks; // what a statistics call itself runs
            long before = executor.executed();
            assertEquals(DeterministicWorkload.PA + 0x10, ((Translated) sim.translate(smmu, r)).outputAddress());
            assertEquals(before, executor.executed(), "no turn ran for it");
            assertEquals(hits + 1, sim.statistics(smmu).hits());
            assertTrue(tasks > 0, "a call through the mailbox does run tasks (the count could see one)");
        }
    }

    @Test
    void withWorkQueuedItWaitsItsTurnBehindIt(@TempDir Path dir) {
        try (IommuSim sim = IommuSim.start(ModelOptions.at(dir).withFsync(false).deterministic())) {
            Smmu smmu = DeterministicWorkload.attach(sim);
            TranslationRequest r = TranslationRequest.of(1, DeterministicWorkload.IOVA + 0x10, Access.READ);
            // sent, not run: the model is not at rest, and the worker's mailbox holds this one first
            CompletionStage<TranslationResult> first = sim.translateAsync(smmu, r);
            long before = ModelInternals.deterministicRuntime(sim).executor().executed();
            TranslationResult second = sim.translate(smmu, r);
            assertTrue(first.toCompletableFuture().isDone(), "answered in the order they reached the worker");
            assertTrue(ModelInternals.deterministicRuntime(sim).executor().executed() > before, "through turns");
            assertEquals(first.toCompletableFuture().join(), second);
        }
    }

    /** As it was before direct translations: a blocking call cannot wait inside the turn it waits for. */
    @Test
    void fromInsideItsWorkersTurnItIsRefusedAsStuck(@TempDir Path dir) {
        try (IommuSim sim = IommuSim.start(ModelOptions.at(dir).withFsync(false).deterministic())) {
            Smmu smmu = DeterministicWorkload.attach(sim);
            TranslationRequest r = TranslationRequest.of(1, DeterministicWorkload.IOVA + 0x10, Access.READ);
            // the callback runs inside the worker's turn: its handler must not run again inside itself
            CompletionStage<Object> inner = sim.translateAsync(smmu, r).handle((x, e) -> {
                try {
                    return sim.translate(smmu, r);
                } catch (ModelException m) {
                    return m;
                }
            });
            Object answer = ModelInternals.deterministicRuntime(sim).await(inner, "the callback");
            assertEquals(ModelException.Kind.STUCK, assertInstanceOf(ModelException.class, answer).kind(),
                    "its own worker is in the middle of the turn the call would need");
            assertEquals(DeterministicWorkload.PA + 0x10, ((Translated) sim.translate(smmu, r)).outputAddress(),
                    "and the worker goes on serving");
        }
    }

    @Test
    void aStoppedWorkersStateIsNotUsed(@TempDir Path dir) {
        try (IommuSim sim = IommuSim.start(ModelOptions.at(dir).withFsync(false).deterministic())) {
            Smmu smmu = DeterministicWorkload.attach(sim);
            TranslationRequest r = TranslationRequest.of(1, DeterministicWorkload.IOVA + 0x10, Access.READ);
            assertInstanceOf(Translated.class, sim.translate(smmu, r));
            var pool = smmu.handles.pool();
            // its system stops every actor, the workers too, none of them through going out of service
            var system = ModelInternals.actorSystem(sim);
            system.terminate();
            ModelInternals.deterministicRuntime(sim).await(system.getWhenTerminated(), "the system's termination");
            org.junit.jupiter.api.Assertions.assertNull(pool.translateDirect(r, false),
                    "no caller may use a stopped worker's state");
        }
    }
}
