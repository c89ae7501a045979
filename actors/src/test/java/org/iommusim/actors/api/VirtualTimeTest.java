package org.iommusim.actors.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.apache.pekko.dispatch.Mailbox;
import org.iommusim.actors.internal.ModelInternals;
import org.iommusim.actors.translate.TranslationWorker;
import org.iommusim.persistence.iotlb.IotlbEvent;
import org.iommusim.persistence.replay.JournalEvent;
import org.iommusim.persistence.replay.JournalReader;
import org.iommusim.protocol.config.Cd;
import org.iommusim.protocol.config.S1Dss;
import org.iommusim.protocol.config.Ste;
import org.iommusim.protocol.domain.DomainId;
import org.iommusim.protocol.domain.DomainSpec;
import org.iommusim.protocol.domain.Granule;
import org.iommusim.protocol.domain.MapBatch;
import org.iommusim.protocol.domain.Prot;
import org.iommusim.protocol.translate.Access;
import org.iommusim.protocol.translate.Translated;
import org.iommusim.protocol.translate.TranslationRequest;
import org.iommusim.protocol.translate.TranslationResult;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class VirtualTimeTest {
    private static final long FILL_DELAY = TranslationWorker.Settings.defaults().fillDelay().toNanos();

    /**
     * The IOTLB fills persisted so far, with the (virtual) millisecond each was
     * written at: read from a copy of the live journal (JournalReader), which
     * runs nothing in the model and so cannot move virtual time.
     */
    private static List<Long> fillTimes(IommuSim sim, Path dataDir) {
        List<Long> times = new ArrayList<>();
        try (JournalReader reader = JournalReader.open(dataDir)) {
            for (int k = 0; k < ModelOptions.DETERMINISTIC_WORKERS; k++) {
                try (var events = reader.events(TranslationWorker.persistenceId("smmu-0", k), 1, Long.MAX_VALUE)) {
                    while (events.hasNext()) {
                        JournalEvent e = events.next();
                        if (e.payload() instanceof IotlbEvent.Filled) {
                            times.add(e.timestamp());
                        }
                    }
                }
            }
        }
        return times;
    }

    @Test
    void theWriteBehindFlushHappensWhenVirtualTimePassesItAndNotBefore(@TempDir Path dir) {
        try (IommuSim sim = IommuSim.start(ModelOptions.at(dir).withFsync(false).deterministic())) {
            Smmu smmu = DeterministicWorkload.attach(sim);
            long t0 = sim.virtualNanos();
            TranslationResult r = sim.translate(smmu, TranslationRequest.of(1, DeterministicWorkload.IOVA, Access.READ));
            assertInstanceOf(Translated.class, r);
            assertEquals(t0, sim.virtualNanos(), "a translation takes no virtual time");
            sim.runUntilIdle();
            assertEquals(List.of(), fillTimes(sim, dir), "the fill waits for its batch");
            sim.advanceTo(t0 + FILL_DELAY - 1);
            assertEquals(List.of(), fillTimes(sim, dir), "not before the delay has passed");
            sim.advanceTo(t0 + FILL_DELAY);
            assertEquals(List.of((t0 + FILL_DELAY) / 1_000_000L), fillTimes(sim, dir),
                    "written exactly when virtual time reached the delay, and stamped with that time");
        }
    }

    /** A burst of concurrent calls; returns the actor turns in the order they ran, and checks the answers. */
    private static List<String> concurrentTurns(Path dir, long seed) {
        try (IommuSim sim = IommuSim.start(ModelOptions.at(dir).withFsync(false).deterministic(seed))) {
            Smmu smmu = DeterministicWorkload.attach(sim);
            List<String> turns = new ArrayList<>();
            ModelInternals.deterministicRuntime(sim).executor().observe(task -> {
                if (task instanceof Mailbox m) {
                    turns.add(m.actor().self().path().toStringWithoutAddress());
                }
            });
            DomainId d2 = DomainId.of(2);
            List<CompletableFuture<?>> calls = new ArrayList<>();
            calls.add(sim.allocateDomainAsync(d2, DomainSpec.stage1(Granule.G4K, 48, 48, 5), smmu)
                    .thenCompose(x -> sim.mapAsync(d2, MapBatch.single(0x2000_0000L, 0x9000_0000L, 0x1000, Prot.rw())))
                    .toCompletableFuture());
            calls.add(sim.writeCdAsync(smmu, 2, 0, Cd.of(6, d2)).toCompletableFuture());
            calls.add(sim.writeSteAsync(smmu, 3, Ste.stage1(0, S1Dss.SSID0)).toCompletableFuture());
            List<CompletableFuture<TranslationResult>> translations = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                translations.add(sim.translateAsync(smmu, TranslationRequest.of(1,
                        DeterministicWorkload.IOVA + (i % 2) * 0x1000L + i * 8L, Access.READ)).toCompletableFuture());
            }
            calls.addAll(translations);
            ModelInternals.deterministicRuntime(sim).await(CompletableFuture.allOf(calls.toArray(new CompletableFuture[0])),
                    "the concurrent calls");
            ModelInternals.deterministicRuntime(sim).executor().observe(null);
            for (int i = 0; i < 8; i++) {
                assertEquals(DeterministicWorkload.PA + (i % 2) * 0x1000L + i * 8L,
                        ((Translated) translations.get(i).join()).outputAddress(), "whatever the interleaving");
            }
            return turns;
        }
    }

    @Test
    void aSeedChoosesTheInterleavingOfTurnsAndReproducesIt(@TempDir Path dir) {
        List<String> a = concurrentTurns(dir.resolve("a1"), 1);
        List<String> again = concurrentTurns(dir.resolve("a2"), 1);
        List<String> b = concurrentTurns(dir.resolve("b"), 2);
        assertEquals(a, again, "a seed reproduces its interleaving");
        List<String> firstA = firstTurns(a, b);
        List<String> firstB = firstTurns(b, a);
        assertEquals(sorted(firstA), sorted(firstB));
        assertNotEquals(firstA, firstB, "another seed runs at least two actors' first turns in the other order");
        assertEquals(DeterministicWorkload.digest(dir.resolve("a1")), DeterministicWorkload.digest(dir.resolve("a2")),
                "and its journal");
    }

    /** The actors of {@code turns} that also ran in {@code other}, in the order of their first turn. */
    private static List<String> firstTurns(List<String> turns, List<String> other) {
        return turns.stream().distinct().filter(other::contains).toList();
    }

    private static List<String> sorted(List<String> turns) {
        return turns.stream().sorted().toList();
    }
}
