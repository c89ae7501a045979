package org.iommusim.simulations.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import org.iommusim.protocol.domain.DomainId;
import org.iommusim.protocol.domain.Prot;
import org.iommusim.simulations.report.SimulationReport;
import org.iommusim.simulations.scenario.ScenarioLoader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The driver sends what Linux's arm-smmu-v3 driver sends for a DMA unmap
 * (reference section 9): one gathered span per contiguous IOVA range, Linux's
 * range loop with RIL, one TLBI per page without it, no whole-ASID switch on
 * the DMA path unless asked, one CMD_SYNC per unmap. The expected counts are
 * computed here from Linux's algorithm, not by the model's code.
 */
class LinuxDriverTest {

    /** __arm_smmu_tlb_inv_range with RIL: per step, SCALE = lowest set bit, NUM = the 5 bits above it. */
    private static int linuxRangeCommands(long pages) {
        int commands = 0;
        long remaining = pages;
        while (remaining != 0) {
            long lowest = remaining & -remaining;
            long chunk = 0;
            // up to 31 chunks of 2^scale pages in one command
            for (long bit = lowest; bit != 0 && bit <= (lowest << 4); bit <<= 1) {
                chunk |= remaining & bit;
            }
            remaining -= chunk;
            commands++;
        }
        return commands;
    }

    private static String storageScenario(String driver, boolean ril, long... segments) {
        StringBuilder devices = new StringBuilder();
        StringBuilder domains = new StringBuilder();
        StringBuilder streams = new StringBuilder();
        for (int i = 0; i < segments.length; i++) {
            domains.append("{ id = ").append(i + 1).append(", smmu = 0, stage = stage1, asid = ").append(i + 1)
                    .append(" },\n");
            streams.append("{ smmu = 0, sid = ").append(i + 1).append(", config = stage1, domain = ").append(i + 1)
                    .append(" },\n");
            devices.append("{ name = disk").append(segments[i]).append(", stream = ").append(i + 1)
                    .append(", interval = 1ms, stray { probability = 0 }, workload { kind = storage-sg, segments = ")
                    .append(segments[i]).append(", queue = 0 } },\n");
        }
        return "scenario {\n name = t\n question = q\n length { virtual-time = 3ms }\n"
                + " smmus = [ { id = 0, ril = " + ril + " } ]\n domains = [\n" + domains + "]\n streams = [\n"
                + streams + "]\n driver { " + driver + " }\n devices = [\n" + devices + "]\n}\n";
    }

    private static SimulationReport run(String text, Path dir) throws Exception {
        return Simulation.run(ScenarioLoader.load(text, "test.conf"), dir, false, p -> {});
    }

    @Test
    void linuxsLoopGivesOneRangeCommandForAContiguousSixtyFourPageList() {
        assertEquals(1, linuxRangeCommands(64));
        assertEquals(2, linuxRangeCommands(511));
        assertEquals(1, linuxRangeCommands(512));
        assertEquals(1, linuxRangeCommands(1));
        assertEquals(2, linuxRangeCommands(33), "32 + 1");
    }

    @Test
    void aSixtyFourSegmentListCostsOneRangeTlbiWithRilAndSixtyFourWithout(@TempDir Path dir) throws Exception {
        SimulationReport ril = run(storageScenario("invalidation = range", true, 64), dir.resolve("ril"));
        SimulationReport.Device d = ril.devices().get(0);
        assertTrue(d.unmaps() >= 2, "unmaps: " + d.unmaps());
        assertTrue(d.tlbis() <= 2 * d.unmaps(), "at most 2 TLBIs per unmap with RIL: " + d);
        assertEquals(1.0, d.tlbisPerUnmap(), "Linux's loop: one command for 64 contiguous pages");
        assertEquals(d.unmaps(), d.syncs(), "one CMD_SYNC per unmap");
        SimulationReport noRil = run(storageScenario("invalidation = range", false, 64), dir.resolve("noril"));
        SimulationReport.Device e = noRil.devices().get(0);
        assertEquals(64.0, e.tlbisPerUnmap(), "without RIL: one TLBI per page");
        assertEquals(e.unmaps(), e.syncs(), "64 commands fit one batch: one CMD_SYNC");
        assertEquals(0, ril.checker().violationCount(), () -> ril.checker().violations().toString());
        assertEquals(0, noRil.checker().violationCount(), () -> noRil.checker().violations().toString());
    }

    @Test
    void perModeAndSizeTheCommandCountsAreLinuxs(@TempDir Path dir) throws Exception {
        long[] sizes = {1, 64, 511, 512, 2048};
        SimulationReport range = run(storageScenario("invalidation = range", true, sizes), dir.resolve("range"));
        SimulationReport perPage = run(storageScenario("invalidation = per-page", true, sizes), dir.resolve("page"));
        SimulationReport sva = run(storageScenario("invalidation = per-page, range-threshold = 512", true, sizes),
                dir.resolve("sva"));
        SimulationReport asid = run(storageScenario("invalidation = asid", true, sizes), dir.resolve("asid"));
        for (int i = 0; i < sizes.length; i++) {
            long n = sizes[i];
            assertEquals(linuxRangeCommands(n), range.devices().get(i).tlbisPerUnmap(), "range, " + n + " pages");
            assertEquals(n, perPage.devices().get(i).tlbisPerUnmap(), "per page, DMA path (no switch), " + n);
            assertEquals(n >= 512 ? 1 : n, sva.devices().get(i).tlbisPerUnmap(), "per page, 512 switch, " + n);
            assertEquals(1.0, asid.devices().get(i).tlbisPerUnmap(), "ASID-wide, " + n);
            for (SimulationReport r : List.of(range, perPage, sva, asid)) {
                SimulationReport.Device d = r.devices().get(i);
                assertTrue(d.unmaps() > 0, d.toString());
                assertEquals(d.unmaps(), d.syncs(), "one CMD_SYNC per unmap, batches of 64 without: " + d);
                assertEquals(0, r.checker().violationCount(), () -> r.checker().violations().toString());
            }
        }
    }

    @Test
    void contiguousRecordsGatherIntoOneSpanAndAGapSplitsThem() {
        List<MapRecord> contiguous = List.of(record(0x2000, 0x1000), record(0x1000, 0x1000), record(0x3000, 0x2000));
        assertEquals(List.of(new LinuxTlbi.Span(0x1000, 0x4000)), LinuxTlbi.gather(contiguous));
        List<MapRecord> gap = List.of(record(0x1000, 0x1000), record(0x3000, 0x1000));
        assertEquals(List.of(new LinuxTlbi.Span(0x1000, 0x1000), new LinuxTlbi.Span(0x3000, 0x1000)),
                LinuxTlbi.gather(gap));
    }

    private static MapRecord record(long iova, long size) {
        return new MapRecord(DomainId.of(1), iova, size, 0x8000_0000L + iova, Prot.rw(), 0, 0);
    }

    @Test
    void theIovaCacheHandsBackTheLastFreedRangeOfASizeFirstOnceItExists() {
        IovaAllocator a = new IovaAllocator(0x10_0000L, 1L << 40, 4096);
        IovaAllocator.Allocation x = a.allocate(4096, 0, 0);
        IovaAllocator.Allocation y = a.allocate(4096, 0, 0);
        a.release(x, 0, 10);
        a.release(y, 0, 20);
        assertEquals(y.iova(), a.allocate(4096, 0, 30).iova(), "last freed first (rcache magazines are stacks)");
        assertEquals(x.iova(), a.allocate(4096, 0, 30).iova());
        IovaAllocator.Allocation z = a.allocate(4096, 0, 30);
        a.release(z, 0, 100);
        assertTrue(a.allocate(4096, 0, 50).iova() != z.iova(), "not before it was released in virtual time");
        assertTrue(a.allocate(4096, 1, 200).iova() != z.iova(), "another CPU's cache");
        IovaAllocator.Allocation three = a.allocate(3 * 4096, 0, 0);
        assertEquals(4 * 4096, three.size(), "rounded up to a power of two pages below 32 pages");
        assertEquals(0, three.iova() % (4 * 4096), "aligned to its size");
    }
}
