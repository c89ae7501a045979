package org.iommusim.simulations.cli;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.LongConsumer;
import java.util.stream.Stream;
import org.iommusim.simulations.engine.RunFolder;
import org.iommusim.simulations.engine.RunMode;
import org.iommusim.simulations.engine.Simulation;
import org.iommusim.simulations.report.SimulationReport;
import org.iommusim.simulations.scenario.FaultInjection;
import org.iommusim.simulations.scenario.Scenario;
import org.iommusim.simulations.scenario.ScenarioException;
import org.iommusim.simulations.scenario.ScenarioRewrite;

/**
 * Shrinks a failing seed's scenario to a short reproducer that fails by the
 * same rule: it leaves out devices one at a time (delta debugging's
 * complement step over the device list), moves each injected fault to its
 * earliest occasion that still fails, and cuts the run to the fewest
 * operations that still fail (binary search: every cut keeps the failure,
 * since the candidate that fails is the one kept). Each candidate is a full
 * deterministic run on a journal of its own, in a scratch folder removed
 * after it.
 */
final class Shrinker {
    /** What the shrunk scenario is and how many runs it took. */
    record Result(ScenarioRewrite scenario, long operations, int devices, int runs) {}

    private final String rule;
    private final long seed;
    private final Path scratch;
    private final LongConsumer tick;
    private int runs;

    /**
     * @param rule    the rule the first failing seed broke first: a candidate fails "the same way" when it breaks it
     * @param scratch where candidate runs go (each in a folder of its own, removed after it)
     */
    Shrinker(String rule, long seed, Path scratch, LongConsumer tick) {
        this.rule = rule;
        this.seed = seed;
        this.scratch = scratch;
        this.tick = tick;
    }

    Result shrink(ScenarioRewrite start, Scenario original, long operationsRan) throws IOException {
        ScenarioRewrite best = start.seed(seed).operations(operationsRan);
        List<Integer> devices = new ArrayList<>();
        for (int i = 0; i < best.devices(); i++) {
            devices.add(i);
        }
        // devices: leave each out in turn while the failure stays
        for (int i = devices.size() - 1; i >= 0 && devices.size() > 1; i--) {
            List<Integer> without = new ArrayList<>(devices);
            without.remove(i);
            if (fails(best.keepDevices(without))) {
                devices = without;
                best = best.keepDevices(devices);
            }
        }
        // faults: each at its earliest occasion that still fails
        List<FaultInjection> faults = new ArrayList<>(original.faults());
        for (int f = 0; f < faults.size(); f++) {
            FaultInjection at = faults.get(f);
            if (at.kind() == FaultInjection.Kind.CRASH || at.nth() <= 1) {
                continue;
            }
            long lo = 1;
            long hi = at.nth();
            while (lo < hi) {
                long mid = lo + (hi - lo) / 2;
                List<FaultInjection> tried = new ArrayList<>(faults);
                tried.set(f, new FaultInjection(at.kind(), mid));
                if (fails(best.faults(tried))) {
                    hi = mid;
                } else {
                    lo = mid + 1;
                }
            }
            faults.set(f, new FaultInjection(at.kind(), hi));
            best = best.faults(faults);
        }
        // length: the fewest operations that still fail
        long lo = 1;
        long hi = operationsRan;
        while (lo < hi) {
            long mid = lo + (hi - lo) / 2;
            if (fails(best.operations(mid))) {
                hi = mid;
            } else {
                lo = mid + 1;
            }
        }
        best = best.operations(hi);
        return new Result(best, hi, devices.size(), runs);
    }

    /** Whether the candidate, run, breaks the rule. A candidate the loader refuses does not. */
    private boolean fails(ScenarioRewrite candidate) throws IOException {
        Scenario sc;
        try {
            sc = candidate.scenario("(shrinking)");
        } catch (ScenarioException e) {
            return false;
        }
        runs++;
        tick.accept(runs);
        Path dir = Files.createTempDirectory(scratch, "candidate-");
        try {
            SimulationReport r;
            try (RunFolder folder = RunFolder.claim(dir, false)) {
                r = Simulation.run(sc, folder, RunMode.DETERMINISTIC, p -> {});
            }
            return r.checker().violationsByRule().getOrDefault(rule, 0L) > 0;
        } finally {
            delete(dir);
        }
    }

    private static void delete(Path dir) throws IOException {
        try (Stream<Path> all = Files.walk(dir)) {
            all.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        }
    }
}
