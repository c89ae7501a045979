package org.iommusim.actors.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.function.IntFunction;
import org.iommusim.actors.internal.ModelInternals;
import org.iommusim.actors.testing.DropCounter;
import org.iommusim.protocol.capability.SmmuCapabilities;
import org.iommusim.protocol.command.CmdSync;
import org.iommusim.protocol.command.RawCommand;
import org.iommusim.protocol.command.TlbiNhVa;
import org.iommusim.protocol.config.Ste;
import org.iommusim.protocol.domain.DomainId;
import org.iommusim.protocol.domain.DomainSpec;
import org.iommusim.protocol.domain.Granule;
import org.iommusim.protocol.domain.MapBatch;
import org.iommusim.protocol.domain.Prot;
import org.iommusim.protocol.translate.Access;
import org.iommusim.protocol.translate.Translated;
import org.iommusim.protocol.translate.TranslationRequest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue M points 1 and 5: past what an entity can hold a call is refused at
 * once with OVERLOADED, never dropped or left to time out; bad arguments are
 * refused on the caller's thread and stop no actor.
 */
class FloodTest {
    private static final SmmuCapabilities CAPS = SmmuCapabilities.defaults();
    private static final DomainId D = DomainId.of(1);
    private static final int CALLS = 10_000;

    /** Fires {@code CALLS} calls at once and waits for every answer; counts them by outcome. */
    private static Map<ModelException.Kind, Integer> flood(IntFunction<CompletionStage<?>> call, List<Integer> done) {
        List<CompletableFuture<?>> fs = new ArrayList<>(CALLS);
        for (int i = 0; i < CALLS; i++) {
            fs.add(call.apply(i).toCompletableFuture());
        }
        Map<ModelException.Kind, Integer> refused = new EnumMap<>(ModelException.Kind.class);
        for (int i = 0; i < CALLS; i++) {
            CompletableFuture<?> f = fs.get(i);
            try {
                f.get(60, TimeUnit.SECONDS); // a bound for a broken model; a working one answers in seconds
                done.add(i);
            } catch (java.util.concurrent.ExecutionException e) {
                refused.merge(assertInstanceOf(ModelException.class, e.getCause()).kind(), 1, Integer::sum);
            } catch (Exception e) {
                throw new AssertionError("call " + i + " got no answer: " + e, e);
            }
        }
        return refused;
    }

    @Test
    void tenThousandConcurrentCallsToOneDomainOneSmmuAndItsStreamsAreEachAnswered(@TempDir Path dir) {
        try (IommuSim sim = IommuSim.start(ModelOptions.at(dir).withWorkers(2).withFsync(false))) {
            DropCounter drops = DropCounter.on(ModelInternals.actorSystem(sim), "drop-counter");
            Smmu smmu = sim.addSmmu(0, CAPS);
            sim.allocateDomain(D, DomainSpec.stage1(Granule.G4K, 48, 48, 5), smmu);

            List<Integer> mapped = new ArrayList<>();
            Map<ModelException.Kind, Integer> r1 = flood(i -> sim.mapAsync(D,
                    MapBatch.single(0x1000_0000L + 0x1000L * i, 0x8000_0000L + 0x1000L * i, 0x1000, Prot.rw())), mapped);
            assertEquals(CALLS, mapped.size() + r1.values().stream().mapToInt(Integer::intValue).sum());
            assertTrue(r1.keySet().stream().allMatch(k -> k == ModelException.Kind.OVERLOADED), "only refusals: " + r1);
            assertTrue(mapped.size() >= IommuSim.MAX_CALLS_PER_ENTITY, "at least a full window was served: " + mapped.size());
            var table = ModelInternals.pageTable(sim, D).orElseThrow();
            for (int i = 0; i < CALLS; i++) {
                boolean present = !table.leaves(0x1000_0000L + 0x1000L * i, 0x1000_0000L + 0x1000L * (i + 1)).isEmpty();
                assertEquals(mapped.contains(i), present, "map " + i + ": applied exactly when acknowledged");
            }

            List<Integer> submitted = new ArrayList<>();
            List<RawCommand> tlbi = List.of(TlbiNhVa.of(0, 5, 0x1000_0000L, true).encode(), CmdSync.poll().encode());
            Map<ModelException.Kind, Integer> r2 = flood(i -> sim.submitRawAsync(smmu, tlbi)
                    .thenCompose(prod -> sim.awaitConsumedAsync(smmu, prod - 1)), submitted);
            assertTrue(r2.keySet().stream().allMatch(k -> k == ModelException.Kind.OVERLOADED
                    || k == ModelException.Kind.QUEUE_FULL), "only refusals: " + r2);
            assertEquals(CALLS, submitted.size() + r2.values().stream().mapToInt(Integer::intValue).sum());
            assertTrue(submitted.size() > 0);

            List<Integer> written = new ArrayList<>();
            Map<ModelException.Kind, Integer> r3 = flood(i -> sim.writeSteAsync(smmu, i % 7, Ste.abort()), written);
            assertTrue(r3.keySet().stream().allMatch(k -> k == ModelException.Kind.OVERLOADED), "only refusals: " + r3);
            assertTrue(written.size() >= IommuSim.MAX_CALLS_PER_ENTITY);

            assertEquals(List.of(), drops.lost(), "nothing was dropped or sent to dead letters");
            // and the model still serves, promptly
            sim.map(D, MapBatch.single(0x7000_0000L, 0x9000_0000L, 0x1000, Prot.rw()));
            sim.submitAndWait(smmu, List.of(CmdSync.poll()));
        }
    }

    @Test
    void badArgumentsAreRefusedOnTheCallersThreadAndStopNoActor(@TempDir Path dir) {
        try (IommuSim sim = IommuSim.start(ModelOptions.at(dir).withWorkers(1).withFsync(false))) {
            DropCounter drops = DropCounter.on(ModelInternals.actorSystem(sim), "drop-counter");
            Smmu smmu = sim.addSmmu(0, CAPS);
            List<RawCommand> withNull = new ArrayList<>();
            withNull.add(CmdSync.poll().encode());
            withNull.add(null);
            List<Runnable> bad = List.of(
                    () -> sim.submitRaw(smmu, null),
                    () -> sim.submitRaw(smmu, withNull),
                    () -> sim.submitRaw(null, List.of()),
                    () -> sim.allocateDomain(D, null, smmu),
                    () -> sim.allocateDomain(null, DomainSpec.stage1(Granule.G4K, 48, 48, 5), smmu),
                    () -> sim.map(D, null),
                    () -> sim.map(null, MapBatch.single(0, 0, 0x1000, Prot.rw())),
                    () -> sim.unmap(D, null),
                    () -> sim.writeSte(smmu, 1, null),
                    () -> sim.writeCd(smmu, 1, 0, null),
                    () -> sim.translate(smmu, null),
                    () -> sim.translate(null, TranslationRequest.of(1, 0, Access.READ)),
                    () -> sim.awaitConsumed(smmu, -1),
                    () -> sim.readEvents(smmu, -1),
                    () -> sim.acknowledgeEvents(smmu, -1),
                    () -> sim.addSmmu(-1, CAPS),
                    () -> sim.addSmmu(1, null),
                    () -> sim.translationPort(smmu).translate(null, x -> {}));
            for (Runnable r : bad) {
                IllegalArgumentException e = assertThrows(IllegalArgumentException.class, r::run);
                assertNotEquals(null, e.getMessage());
            }
            // every entity still answers at once
            sim.allocateDomain(D, DomainSpec.stage1(Granule.G4K, 48, 48, 5), smmu);
            sim.map(D, MapBatch.single(0x1000_0000L, 0x8000_0000L, 0x1000, Prot.rw()));
            sim.writeSte(smmu, 1, Ste.bypass());
            sim.submitAndWait(smmu, List.of(new org.iommusim.protocol.command.CfgiSte(1, false), CmdSync.poll()));
            assertInstanceOf(Translated.class, sim.translate(smmu, TranslationRequest.of(1, 0x5000, Access.READ)));
            assertEquals(List.of(), drops.lost());
        }
    }
}
