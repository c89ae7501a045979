package org.iommusim.simulations.bench;

import java.util.List;
import org.iommusim.actors.api.IommuSim;
import org.iommusim.actors.api.ModelOptions;
import org.iommusim.actors.api.Smmu;
import org.iommusim.protocol.translate.TranslationRequest;

/**
 * A discrete-event simulator's call: one blocking {@code translate} per DMA,
 * from one thread, on IOTLB hits, with the model in deterministic mode
 * ({@link ModelOptions#deterministic()}: the model runs on the calling
 * thread, no hand-off). Beside it, in alternating rounds, the same floor as
 * {@link TranslateBench}'s: the pool's own hit-path code
 * ({@code ShardTranslator}) called directly, over the same 64 pages.
 *
 * <p>Run: {@code java -cp simulations/target/iommu-sim.jar org.iommusim.simulations.bench.StepTranslateBench}
 */
public final class StepTranslateBench {
    private StepTranslateBench() {}

    /** The figures: {@code step} blocking calls per second, {@code floor} the direct hit path per second. */
    public record Results(Rounds step, Rounds floor) {
        public double ratio() {
            return step.mean() / floor.mean();
        }
    }

    public static void main(String[] args) throws Exception {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 5;
        Results r = run(rounds, 10_000_000);
        System.out.printf("direct hit path (floor)            %s%n", r.floor().summary());
        System.out.printf("blocking translate, deterministic  %s  ratio %.3f%n", r.step().summary(), r.ratio());
    }

    /** {@code floorRequests} per floor round; a quarter as many blocking calls per round. */
    public static Results run(int rounds, int floorRequests) throws Exception {
        Rounds.Round floor = TranslateBench.floorRound(floorRequests);
        Rounds.measure(12, 1, floor); // the JIT settles the floor first, as TranslateBench does
        List<TranslationRequest> pages = TranslateBench.hotPages();
        int calls = Math.max(pages.size(), floorRequests / 4);
        Rounds[] r = TranslateBench.onModel(dir -> ModelOptions.at(dir).withFsync(false).deterministic(),
                (sim, smmu, port) -> {
                    long hitsBefore = sim.statistics(smmu).hits();
                    Rounds[] paired = Rounds.interleaved(5, rounds, floor, () -> steps(sim, smmu, pages, calls));
                    TranslateBench.requireHits(sim, smmu, hitsBefore, (5L + rounds) * calls);
                    return paired;
                });
        return new Results(r[1], r[0]);
    }

    /** {@code n} blocking calls over the hot pages in turn, each answer checked. */
    private static long steps(IommuSim sim, Smmu smmu, List<TranslationRequest> pages, int n) {
        for (int i = 0; i < n; i++) {
            TranslateBench.check(sim.translate(smmu, pages.get(i & (pages.size() - 1))));
        }
        return n;
    }
}
