package org.iommusim.simulations.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.iommusim.simulations.report.SimulationReport;
import org.iommusim.simulations.scenario.FaultInjection;
import org.iommusim.simulations.scenario.RunLength;
import org.iommusim.simulations.scenario.Scenario;
import org.iommusim.simulations.scenario.ScenarioLoader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A checker that does not depend on luck: each injected driver bug is
 * caught in every one of 30 seeds (3,000 operations each), because the cache
 * audit at each CMD_SYNC completion finds what it left behind whether or not
 * a device touches it; and the clean scenarios give no violation in any.
 */
class CheckerSeedsTest {
    private static final int SEEDS = 30;
    private static final long OPERATIONS = 3_000;

    private static Scenario shipped(String file, String... overrides) {
        return ScenarioLoader.load(StrictVsLazyScenarioTest.shipped(file), List.of(overrides));
    }

    private static Scenario withFault(Scenario sc, FaultInjection f) {
        return new Scenario(sc.name(), sc.file(), sc.question(), sc.seed(), new RunLength(OPERATIONS, 0), sc.costs(),
                sc.smmus(), sc.domains(), sc.streams(), sc.driver(), sc.devices(), List.of(f), null);
    }

    private static Scenario sized(Scenario sc) {
        return new Scenario(sc.name(), sc.file(), sc.question(), sc.seed(), new RunLength(OPERATIONS, 0), sc.costs(),
                sc.smmus(), sc.domains(), sc.streams(), sc.driver(), sc.devices(), sc.faults(), null);
    }

    /** Runs every seed; returns the seeds whose report fails {@code caught}. */
    private static List<String> everySeed(Scenario sc, Path dir, java.util.function.Predicate<SimulationReport> caught)
            throws Exception {
        List<String> missed = new ArrayList<>();
        for (long seed = 1; seed <= SEEDS; seed++) {
            SimulationReport r = Simulation.run(sc.withSeed(seed), dir.resolve("seed-" + seed), false, p -> {});
            assertEquals(OPERATIONS, r.run().operations());
            assertTrue(r.checker().warnings().isEmpty(), () -> "the fault fired: " + r.checker().warnings());
            if (!caught.test(r)) {
                missed.add("seed " + seed + ": " + r.checker().violationsByRule());
            }
        }
        return missed;
    }

    private static boolean has(SimulationReport r, String rule) {
        return r.checker().violationsByRule().getOrDefault(rule, 0L) > 0;
    }

    @Test
    void aDroppedTlbiIsCaughtInEverySeedAndMissingTlbisAnswerHolds(@TempDir Path dir) throws Exception {
        // missing-tlbi.conf as shipped (quickstart, the 20th invalidation's TLBIs dropped), its expected answer judged
        Scenario sc = shipped("missing-tlbi.conf", "length.operations = " + OPERATIONS);
        assertEquals(List.of(new FaultInjection(FaultInjection.Kind.DROP_TLBI, 20)), sc.faults());
        assertEquals(List.of(), everySeed(sc, dir, r -> has(r, "STALE_AFTER_SYNC")
                && r.checker().violations().stream().anyMatch(v -> v.explanation().contains("never sent"))
                && r.answer() != null && r.answer().borneOut()));
    }

    @Test
    void aDroppedCfgiIsCaughtInEverySeed(@TempDir Path dir) throws Exception {
        Scenario sc = withFault(shipped("quickstart.conf"), new FaultInjection(FaultInjection.Kind.DROP_CFGI, 2));
        assertEquals(List.of(), everySeed(sc, dir, r -> has(r, "STALE_CONFIG_AFTER_SYNC")
                && r.checker().violations().stream().anyMatch(v -> v.sid() == 0x11)));
    }

    @Test
    void aSkippedSyncIsCaughtInEverySeed(@TempDir Path dir) throws Exception {
        Scenario sc = withFault(shipped("quickstart.conf"), new FaultInjection(FaultInjection.Kind.SKIP_SYNC, 20));
        assertEquals(List.of(), everySeed(sc, dir, r -> has(r, "RELEASED_BEFORE_SYNC")));
    }

    @Test
    void theCleanScenariosGiveNoViolationInAnySeed(@TempDir Path dir) throws Exception {
        List<String> dirty = new ArrayList<>();
        dirty.addAll(everySeed(sized(shipped("quickstart.conf")), dir.resolve("quickstart"),
                r -> r.checker().violationCount() == 0));
        dirty.addAll(everySeed(sized(shipped("strict-vs-lazy.conf", "driver.strategy = strict")),
                dir.resolve("strict"), r -> r.checker().violationCount() == 0 && r.checker().staleUses() == 0));
        dirty.addAll(everySeed(sized(shipped("nested-guest.conf", "driver.stage2-invalidation = s12-vmall")),
                dir.resolve("nested"), r -> r.checker().violationCount() == 0));
        assertEquals(List.of(), dirty);
    }
}
