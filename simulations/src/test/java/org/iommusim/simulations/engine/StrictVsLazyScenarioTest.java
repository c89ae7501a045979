package org.iommusim.simulations.engine;

import org.iommusim.simulations.testing.ShippedScenarios;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.iommusim.simulations.report.SimulationReport;
import org.iommusim.simulations.scenario.Scenario;
import org.iommusim.simulations.scenario.ScenarioLoader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The shipped strict-vs-lazy scenario at its length answers its question:
 * at least 100 ms of virtual time, the 10 ms flush timer firing at least ten
 * times, stale windows within the flush-queue bounds; strict shows none.
 */
class StrictVsLazyScenarioTest {

    static Path shipped(String name) {
        return ShippedScenarios.file(name);
    }

    @Test
    void theLazySideRunsTwoHundredMillisecondsItsTimerFiringEveryTenWithinTheBounds(@TempDir Path dir)
            throws Exception {
        Scenario sc = ScenarioLoader.load(shipped("strict-vs-lazy.conf"));
        List<long[]> fired = new ArrayList<>();
        SimulationReport r;
        try (RunFolder folder = RunFolder.claim(dir, false)) {
            r = Simulation.run(sc, folder, RunMode.DETERMINISTIC, p -> {}, new RunObserver() {
                @Override
                public void lazyTimer(int cpu, long oldestAt, long at) {
                    fired.add(new long[] {cpu, oldestAt, at});
                }
            });
        }
        assertEquals(0, r.checker().violationCount(), () -> r.checker().violations().toString());
        assertTrue(r.run().virtualNanos() >= 100_000_000L, "virtual time covered: " + r.run().virtualNanos() + " ns");
        assertTrue(fired.size() >= 10, "the 10 ms flush timer fired " + fired.size() + " times");
        for (long[] f : fired) {
            assertEquals(f[1] + 10_000_000L, f[2], "each at exactly 10 ms after the oldest unmap it flushes");
        }
        assertTrue(r.commands().syncs() > fired.size(), "each timer flush synced, and so did the full queues: "
                + r.commands().syncs() + " CMD_SYNCs");
        assertTrue(r.staleWindow().count() > 0, "lazy invalidation lets late DMA through");
        assertTrue(r.staleWindow().maxNs() <= 10_000_000L, "no window past the timer: " + r.staleWindow().maxNs());
        SimulationReport.Device nic = r.devices().get(0);
        SimulationReport.Device disk = r.devices().get(1);
        assertTrue(nic.staleUses() > 0 && disk.staleUses() > 0, "both devices reached unmapped buffers: "
                + r.devices());
        assertTrue(fired.stream().allMatch(f -> f[0] == 1), "only the disk's CPU waits for the timer; the NIC's fills");
    }

    @Test
    void theStrictSideShowsNoStaleWindow(@TempDir Path dir) throws Exception {
        Scenario sc = ScenarioLoader.load(shipped("strict-vs-lazy.conf"),
                List.of("driver.strategy = strict", "length.virtual-time = 20ms"));
        SimulationReport r = Simulation.run(sc, dir, false, p -> {});
        assertEquals(0, r.checker().violationCount(), () -> r.checker().violations().toString());
        assertEquals(0, r.checker().staleUses(), "strict invalidation leaves no stale use");
        assertEquals(0, r.staleWindow().maxUnmapsBehind(), "strict: every exposure ends at its own unmap's sync");
        // an unmap call lasts from the call until its IOVAs are released, after its CMD_SYNC completed: no
        // exposure outlasts the longest such call
        long longestUnmap = r.timing().unmapCost().stream().mapToLong(u -> u.maxNs()).max().orElseThrow();
        assertTrue(r.staleWindow().maxNs() <= longestUnmap, "strict: exposure ends at the CMD_SYNC: "
                + r.staleWindow() + " vs the longest unmap call " + longestUnmap + " ns");
        assertTrue(r.checker().translationsChecked() > 1000);
    }
}
