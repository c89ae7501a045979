package org.iommusim.simulations.validate;

import java.util.ArrayList;
import java.util.List;
import org.iommusim.persistence.timing.CmdqCosts;
import org.iommusim.simulations.scenario.Costs;

/**
 * The calibration scenarios of {@code iommu-sim validate}, each set against
 * the published figure it reproduces (reference section 10;
 * docs/VALIDATION.md). Every figure is computed by the timing model's rules
 * ({@code persistence/timing}) from {@code costs}; nothing here is a result.
 */
public final class Calibrations {
    private static final String PCIE_BENCH = "pcie-bench, Neugebauer et al., SIGCOMM 2018";
    private static final String GARRY = "Garry, iommu/arm-smmu-v3: Improve cmdq lock efficiency, 2020";
    private static final String SM8150 = "Qualcomm SM8150 measurements on the iommu list";
    private static final String RIOMMU = "rIOMMU, ASPLOS 2015; Markuze et al., ASPLOS 2016";
    private static final String GROSS = "Gross, VT-d deferred flush, 2008";

    private Calibrations() {}

    /** Every row, with the shipped costs unless the caller changes them. */
    public static List<Row> rows(Costs costs) {
        return rows(costs, true);
    }

    /**
     * The rows; {@code simulated} false leaves out the one scenario that runs
     * the whole model (the lazy bounds: a few seconds, a LevelDB journal).
     */
    public static List<Row> rows(Costs costs, boolean simulated) {
        List<Row> out = new ArrayList<>();
        reach(costs, out);
        mapUnmap(costs, out);
        unmapSize(costs, out);
        packetRate(costs, out);
        if (simulated) {
            lazyBounds(costs, out);
        }
        return out;
    }

    /**
     * No published figure, for comparison: map+unmap per CPU per second on
     * 8, 16, 32 and 64 CPUs with Linux's shared queue and with one queue per
     * CPU (ECMDQ-style), the same costs otherwise.
     */
    public static double[][] perCpuQueueComparison(Costs costs) {
        int[] cpus = {8, 16, 32, 64};
        double[][] out = new double[2][cpus.length];
        for (int i = 0; i < cpus.length; i++) {
            out[0][i] = MapUnmapScenario.perCpu(costs, costs.cmdq(), cpus[i]);
            out[1][i] = MapUnmapScenario.perCpu(costs, costs.cmdq().withPerCpuQueues(), cpus[i]);
        }
        return out;
    }

    private static void lazyBounds(Costs costs, List<Row> out) {
        LazyBoundsScenario.Result r = LazyBoundsScenario.run(costs);
        String linux = "Linux iommu-dma flush queue (reference sections 6, 9)";
        out.add(Row.between("lazy: NIC's late DMA, unmaps behind (queue of 256 per CPU)", "at most 256",
                r.nicUnmapsBehind(), 128, 256, "unmaps", linux));
        // exposed at all (lazy lets late DMA in), and never past the timer
        out.add(Row.between("lazy: disk's longest exposure (10 ms timeout)", "at most 10 ms",
                r.diskExposureNs() / 1e6, 0.001, 10, "ms", linux));
        out.add(Row.between("lazy: checker violations (no IOVA reused before its flush)", "none", r.violations(), 0,
                0, "violations", linux));
    }

    private static void reach(Costs costs, List<Row> out) {
        ReachScenario.Result flat = ReachScenario.run(costs, 256 << 10, ReachScenario.OUTSTANDING);
        ReachScenario.Result knee = ReachScenario.run(costs, 512 << 10, ReachScenario.OUTSTANDING);
        ReachScenario.Result wall = ReachScenario.run(costs, 16 << 20, ReachScenario.OUTSTANDING);
        ReachScenario.Result base = ReachScenario.run(costs, 64 << 10, ReachScenario.OUTSTANDING);
        out.add(Row.between("IOTLB reach: throughput at a 256 KB window, of a 64 KB window's", "flat (100%)",
                100 * flat.readsPerSecond() / base.readsPerSecond(), 95, 105, "%", PCIE_BENCH));
        out.add(Row.relative("IOTLB reach: throughput at a 512 KB window (the knee)", 73,
                100 * knee.readsPerSecond() / base.readsPerSecond(), 0.15, "%", PCIE_BENCH));
        out.add(Row.relative("IOTLB reach: throughput at 16 MB and beyond", 35,
                100 * wall.readsPerSecond() / base.readsPerSecond(), 0.15, "%", PCIE_BENCH));
        ReachScenario.Result hitLatency = ReachScenario.run(costs, 64 << 10, 1);
        ReachScenario.Result missLatency = ReachScenario.run(costs, 16 << 20, 1);
        out.add(Row.relative("IOTLB reach: read latency within reach (one read in flight)", 600,
                hitLatency.meanLatencyNs(), 0.05, "ns", PCIE_BENCH));
        out.add(Row.relative("IOTLB reach: read latency at 16 MB (one read in flight)", 880,
                missLatency.meanLatencyNs(), 0.05, "ns", PCIE_BENCH));
    }

    private static void mapUnmap(Costs costs, List<Row> out) {
        int[] cpus = {8, 16, 32, 64};
        double[] before = {282e3, 115e3, 36e3, 11e3};
        double[] after = {302e3, 193e3, 80e3, 30e3};
        double[] modelBefore = new double[4];
        double[] modelAfter = new double[4];
        for (int i = 0; i < cpus.length; i++) {
            modelBefore[i] = MapUnmapScenario.perCpu(costs, CmdqCosts.beforeLockRework(), cpus[i]);
            modelAfter[i] = MapUnmapScenario.perCpu(costs, costs.cmdq(), cpus[i]);
        }
        for (int i = 0; i < cpus.length; i++) {
            out.add(Row.relative("map+unmap per CPU per second, " + cpus[i] + " CPUs, before the lock rework",
                    before[i], modelBefore[i], 0.25, "K/s", GARRY));
        }
        for (int i = 0; i < cpus.length; i++) {
            out.add(Row.relative("map+unmap per CPU per second, " + cpus[i] + " CPUs, after the lock rework",
                    after[i], modelAfter[i], 0.25, "K/s", GARRY));
        }
        out.add(Row.relative("map+unmap per CPU: fall from 8 to 64 CPUs, before the rework", before[0] / before[3],
                modelBefore[0] / modelBefore[3], 0.3, "x", GARRY));
        out.add(Row.relative("map+unmap per CPU: fall from 8 to 64 CPUs, after the rework", after[0] / after[3],
                modelAfter[0] / modelAfter[3], 0.3, "x", GARRY));
    }

    private static void unmapSize(Costs costs, List<Row> out) {
        out.add(Row.between("unmap 4 KB, per-page TLBIs", "1.85 us", UnmapSizeScenario.unmapNs(costs, 1) / 1e3,
                1.85 / 2.5, 1.85 * 2.5, "us", SM8150));
        out.add(Row.relative("unmap 2 MB (512 pages), per-page TLBIs", 67,
                UnmapSizeScenario.unmapNs(costs, 512) / 1e3, 0.2, "us", SM8150));
        out.add(Row.relative("unmap 32 MB (8,192 pages), per-page TLBIs", 1033,
                UnmapSizeScenario.unmapNs(costs, 8192) / 1e3, 0.2, "us", SM8150));
    }

    private static void packetRate(Costs costs, List<Row> out) {
        double none = PacketRateScenario.achieved(costs, PacketRateScenario.Mode.NONE);
        double strict = PacketRateScenario.achieved(costs, PacketRateScenario.Mode.STRICT);
        double lazy = PacketRateScenario.achieved(costs, PacketRateScenario.Mode.LAZY);
        out.add(Row.between("strict vs no IOMMU at 40 Gb/s: throughput loss", "up to 10x", none / strict, 2, 10,
                "x", RIOMMU));
        out.add(Row.between("deferred flush (256 entries): share of strict's loss recovered", "15-20%",
                100 * (lazy - strict) / (none - strict), 10, 30, "%", GROSS));
    }
}
