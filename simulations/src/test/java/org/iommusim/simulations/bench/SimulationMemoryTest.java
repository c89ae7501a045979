package org.iommusim.simulations.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * The memory harness itself, at a size for the test suite: a child JVM with a
 * small heap runs quickstart and reports back. The 10,000,000-operation run
 * in {@code -Xmx1g} is the harness's own run (docs/PERFORMANCE.md).
 */
class SimulationMemoryTest {

    private static Path quickstart() {
        for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
            if (Files.isRegularFile(p.resolve("conf/scenarios/quickstart.conf"))) {
                return p.resolve("conf/scenarios/quickstart.conf");
            }
        }
        throw new IllegalStateException("no conf/scenarios/quickstart.conf above " + Path.of("").toAbsolutePath());
    }

    @Test
    void aChildJvmWithASmallHeapRunsTheScenarioAndReportsItsHeap() throws Exception {
        SimulationMemory.Result r = SimulationMemory.run(quickstart(), 3_000, "192m");
        assertTrue(r.completed(3_000), () -> String.join("\n", r.output()));
        assertEquals(0, r.violations(), "quickstart is clean");
        assertTrue(r.translationsChecked() > 3_000, r.summary());
        assertTrue(r.maxUsedAfterGcBytes() >= 0 && r.maxUsedAfterGcBytes() < 192L << 20, "reported: " + r.summary());
    }

    @Test
    void aRunThatCannotFinishIsReportedAsSuch() throws Exception {
        SimulationMemory.Result r = SimulationMemory.run(Path.of("no-such-scenario.conf"), 1_000, "64m");
        assertTrue(!r.completed(1_000) && r.exitCode() != 0, r.summary());
        assertTrue(String.join("\n", r.output()).contains("no-such-scenario.conf"), String.join("\n", r.output()));
    }
}
