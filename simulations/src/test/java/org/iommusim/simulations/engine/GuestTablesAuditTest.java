package org.iommusim.simulations.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import org.iommusim.simulations.report.SimulationReport;
import org.iommusim.simulations.scenario.ScenarioLoader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The cache audit over a guest-memory stream, end to end (real model, LevelDB journal): the nested guest keeps
 * its stage-1 tables in its own memory ({@code guest-tables = true}), the SMMU walks them there (its stage-1 walk
 * caches hold the guest's table descriptors, no leaf), and the audit judges the TLBs' combined entries against the
 * live mappings exactly as for the model's tables: a host that invalidates a stage-2 remap with TLBI_S2_IPA only
 * leaves combined entries the sync should have removed (STALE_AFTER_SYNC); with TLBI_S12_VMALL none stays.
 */
class GuestTablesAuditTest {
    private static final String DEVICES = "devices = [ { name = guest0, stream = 18, workload { kind = nested-guest,"
            + " window = 256K, remap-every = 500, guest-tables = true } } ]";
    private static final String SMMUS = "smmus = [ { id = 0, stage1 = true, stage2 = true, iotlb-entries = 256,"
            + " tcu { walk-caches = gem5, ipa-cache = 64 } } ]";

    private static SimulationReport run(Path out, String... overrides) throws Exception {
        return Simulation.run(ScenarioLoader.load(StrictVsLazyScenarioTest.shipped("nested-guest.conf"),
                List.of(overrides)).withSeed(3), out, false, p -> {});
    }

    private static long fills(SimulationReport r, String cache) {
        return r.iotlb().tcu().stream().filter(c -> c.cache().equals(cache)).mapToLong(SimulationReport.TcuCache::fills)
                .sum();
    }

    @Test
    void aCleanHostLeavesNothingStaleInTheGuestsWalk(@TempDir Path dir) throws Exception {
        SimulationReport r = run(dir.resolve("run"), "length.operations = 3000", "driver.stage2-invalidation = s12-vmall",
                SMMUS, DEVICES);
        assertEquals(0, r.checker().violationCount(), () -> "clean: " + r.checker().violations());
        assertTrue(fills(r, "walk-s1-l2") > 0, "the guest's table descriptors were cached: " + r.iotlb().tcu());
        assertEquals(0, fills(r, "walk-s1-l3"), "a guest walk caches no leaf (the model's tables would have)");
        assertTrue(fills(r, "walk-s2-l3") > 0, "the output IPAs walked stage 2 through the TCU: " + r.iotlb().tcu());
    }

    @Test
    void aStage2RemapInvalidatedWithS2IpaOnlyIsStaleAfterSync(@TempDir Path dir) throws Exception {
        SimulationReport r = run(dir.resolve("run"), "length.operations = 3000", SMMUS, DEVICES);
        assertTrue(r.checker().violationsByRule().containsKey("STALE_AFTER_SYNC"), () -> "caught: "
                + r.checker().violationsByRule());
        assertEquals(0, fills(r, "walk-s1-l3"), "the guest's tables were walked: " + r.iotlb().tcu());
    }

    @Test
    void aGuestPteChangeWhoseTlbiWasDroppedIsStaleAfterSyncAndOnlyThen(@TempDir Path dir) throws Exception {
        SimulationReport r = run(dir.resolve("run"), "length.operations = 3000", "driver.stage2-invalidation = s12-vmall",
                SMMUS, DEVICES, "faults = [ { kind = drop-tlbi, nth = 1 } ]");
        assertTrue(r.checker().warnings().isEmpty(), "the fault fired: " + r.checker().warnings());
        SimulationReport.Violation v = r.checker().violations().stream()
                .filter(x -> x.rule().equals("STALE_AFTER_SYNC")).findFirst().orElseThrow(() -> new AssertionError(
                        "caught: " + r.checker().violationsByRule()));
        assertTrue(v.explanation().contains("of domain-3"), "the guest's stage-1 page: " + v.explanation());
        assertTrue(v.explanation().contains("the TLBI for it was never sent"), v.explanation());
        assertEquals(1, r.checker().violationsByRule().get("STALE_AFTER_SYNC").longValue(),
                "only the page whose TLBI was dropped: the guest's other moves were invalidated");
    }

    @Test
    void theModelsOwnTablesGiveTheSameFindings(@TempDir Path dir) throws Exception {
        SimulationReport guest = run(dir.resolve("guest"), "length.operations = 3000", SMMUS, DEVICES);
        SimulationReport model = run(dir.resolve("model"), "length.operations = 3000", SMMUS);
        assertEquals(model.checker().violationsByRule().keySet(), guest.checker().violationsByRule().keySet());
        assertTrue(fills(model, "walk-s1-l3") > 0, "the model's own tables cache their leaves");
    }
}
