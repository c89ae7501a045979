package org.iommusim.simulations.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.iommusim.simulations.report.SimulationReport;
import org.iommusim.simulations.scenario.ScenarioLoader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The TCU's walk caches in the simulation's cache audit, end to end (real
 * model, LevelDB journal): a dropped TLBI leaves the page descriptor in the
 * stage-1 level-3 walk cache as well as the TBU's TLB entry, and the
 * STALE_AFTER_SYNC finding names it; clean strict runs with walk caches (and,
 * nested, an IPA cache) give no violation although the caches were full of
 * entries at every sync.
 */
class WalkCacheAuditTest {
    private static final String OPERATIONS = "length.operations = 3000";

    private static SimulationReport run(String file, Path out, long seed, String... overrides) throws Exception {
        return Simulation.run(ScenarioLoader.load(StrictVsLazyScenarioTest.shipped(file), List.of(overrides))
                .withSeed(seed), out, false, p -> {});
    }

    private static long fills(SimulationReport r, String cache) {
        return r.iotlb().tcu().stream().filter(c -> c.cache().equals(cache)).mapToLong(SimulationReport.TcuCache::fills)
                .sum();
    }

    @Test
    void aDroppedTlbiIsCaughtInTheWalkCacheToo(@TempDir Path dir) throws Exception {
        SimulationReport r = run("missing-tlbi.conf", dir.resolve("run"), 7, OPERATIONS,
                "smmus = [ { id = 0, iotlb-entries = 256, iotlb-policy = lru, tcu { walk-caches = gem5 } } ]");
        assertTrue(r.checker().warnings().isEmpty(), "the fault fired: " + r.checker().warnings());
        SimulationReport.Violation v = r.checker().violations().stream()
                .filter(x -> x.rule().equals("STALE_AFTER_SYNC")).findFirst().orElseThrow(() -> new AssertionError(
                        "caught: " + r.checker().violationsByRule()));
        String text = v.explanation();
        Matcher iova = Pattern.compile("which translates IOVA 0x([0-9a-f]+) of domain-1").matcher(text);
        assertTrue(iova.find(), text);
        // the page descriptor the walk read for that IOVA, tagged as the stream walks: still in the walk cache
        String entry = "smmu-0 walk-s1-l3 [vmid=0 asid=1 0x" + iova.group(1) + "+0x1000 page descriptor]";
        assertTrue(text.contains("also held by " + entry), entry + " in: " + text);
        assertTrue(text.contains("the TLBI for it was never sent"), text);
    }

    @Test
    void aCleanStrictRunWithWalkCachesHasNoViolation(@TempDir Path dir) throws Exception {
        SimulationReport r = run("quickstart.conf", dir.resolve("run"), 3, OPERATIONS,
                "smmus = [ { id = 0, iotlb-entries = 256, iotlb-policy = lru, tcu { walk-caches = gem5 } } ]");
        assertEquals(0, r.checker().violationCount(), () -> "clean: " + r.checker().violations());
        assertTrue(fills(r, "walk-s1-l3") > 100 && fills(r, "walk-s1-l2") > 0, "the walk caches held entries: "
                + r.iotlb().tcu());
        assertTrue(r.staleWindow().count() > 0, "unmapped mappings were still cached at their unmap, and audited");
    }

    @Test
    void aCleanNestedRunWithWalkAndIpaCachesHasNoViolation(@TempDir Path dir) throws Exception {
        SimulationReport r = run("nested-guest.conf", dir.resolve("run"), 3, OPERATIONS,
                "driver.stage2-invalidation = s12-vmall",
                "smmus = [ { id = 0, stage1 = true, stage2 = true, iotlb-entries = 256,"
                        + " tcu { walk-caches = gem5, ipa-cache = 64 } } ]");
        assertEquals(0, r.checker().violationCount(), () -> "clean: " + r.checker().violations());
        assertTrue(fills(r, "walk-s1-l3") > 0 && fills(r, "walk-s2-l3") > 0 && fills(r, "ipa") > 0,
                "both stages' walk caches and the IPA cache held entries: " + r.iotlb().tcu());
    }
}
