package org.iommusim.simulations.report;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.iommusim.simulations.report.SimulationReport.Bucket;
import org.iommusim.simulations.report.SimulationReport.Checker;
import org.iommusim.simulations.report.SimulationReport.Commands;
import org.iommusim.simulations.report.SimulationReport.Iotlb;
import org.iommusim.simulations.report.SimulationReport.Latency;
import org.iommusim.simulations.report.SimulationReport.Point;
import org.iommusim.simulations.report.SimulationReport.Run;
import org.iommusim.simulations.report.SimulationReport.StaleWindow;
import org.iommusim.simulations.report.SimulationReport.Violation;

/** Hand-built reports shaped like real runs; a fixed Random seed keeps them identical every time. */
final class SampleReports {
    static final String DIGEST = "9f2c4e1a7b3d5f608192a3b4c5d6e7f8091a2b3c4d5e6f708192a3b4c5d6e7f8";

    private SampleReports() {}

    /** A lazy-unmap run that went wrong: two violations, stale windows, 300-point series. */
    static SimulationReport racy() {
        Random rnd = new Random(7);
        List<Point> hitRate = new ArrayList<>();
        List<Point> occupancy = new ArrayList<>();
        for (int i = 0; i < 300; i++) {
            long t = 50_000L * i;
            double warm = 1 - Math.exp(-i / 40.0);
            hitRate.add(new Point(t, Math.min(1, 0.92 * warm + 0.05 * rnd.nextDouble())));
            occupancy.add(new Point(t, Math.round(20 + 18 * Math.sin(i / 15.0) + rnd.nextInt(8))));
        }
        List<Bucket> latency = new ArrayList<>();
        long[] latencyCounts = {0, 1200, 8400, 15100, 6020, 2210, 640, 180, 52, 11, 3, 1};
        for (int i = 0; i < latencyCounts.length; i++) {
            latency.add(new Bucket(100L << i, latencyCounts[i]));
        }
        List<Bucket> stale = new ArrayList<>();
        long[] staleCounts = {4, 9, 14, 7, 3, 0, 1};
        for (int i = 0; i < staleCounts.length; i++) {
            stale.add(new Bucket(1_000L << i, staleCounts[i]));
        }
        List<Violation> violations = List.of(
                new Violation("stale-after-sync",
                        "translation at t=4.2ms returned PA 0x8_4000_0000 after CMD_SYNC #311 completed for its TLBI",
                        17, 0xffff_8000_1234_5000L, List.of("smmu-0#311", "smmu-0/iotlb-2#88", "domain-3#140"),
                        "iommu-sim trace --journal /tmp/run-42 --sid 17 --iova 0xffff800012345000"),
                new Violation("iova-reused-before-flush",
                        "IOVA 0x4000_0000 mapped again by domain-3 <before> the lazy flush queue drained & synced",
                        17, 0x4000_0000L, List.of("domain-3#151", "smmu-0#320"),
                        "iommu-sim trace --journal /tmp/run-42 --sid 17 --iova 0x40000000"));
        return new SimulationReport("lazy-unmap-race", "conf/scenarios/lazy-unmap-race.conf",
                "Can a device still reach a page after lazy unmap returns?", 42, "deterministic", DIGEST,
                new Checker(33_817, 2, violations),
                new Iotlb(29_954, 3_863, 29_954.0 / 33_817),
                new Latency(33_817, 612.25, 400, 3_200, 204_800, latency),
                new StaleWindow(38, 64_000, 5_789.5, stale),
                new Commands(4_410, 2_940_000.0, 512, 1_830.0, 44),
                hitRate, occupancy, "/tmp/run-42/journal", new Run(40_000, 15_000_000, 3.75),
                List.of(new SimulationReport.Device("nic0", 16, "nic-ring", 30_000, 10_000, 41, 3),
                        new SimulationReport.Device("disk0", 17, "storage", 9_000, 1_000, 4, 0)))
                .withDeviceSeries(List.of(deviceSeries("nic0", 0.85, rnd), deviceSeries("disk0", 0.6, rnd)))
                .withTiming(timing());
    }

    /** The timing model's figures of a small strict run: two levels per device, syncs, unmaps of 1 and 16 pages. */
    private static TimingReport timing() {
        return new TimingReport(
                List.of(new TimingReport.LevelLatency("nic0", "tlb", 30_000, 50, 50, 50, 60),
                        new TimingReport.LevelLatency("nic0", "walk", 10_000, 640.5, 600, 880, 1_400)),
                new TimingReport.Distribution(512, 1_830.0, 1_500, 2_700, 3_100, List.of(new Bucket(1_000, 40),
                        new Bucket(2_000, 400), new Bucket(3_200, 72))),
                List.of(new TimingReport.UnmapCost(1, 480, 2_100.0, 3_400), new TimingReport.UnmapCost(16, 32,
                        5_900.0, 7_000)),
                List.of(new TimingReport.DmaRate("nic0", 40_000, 2.6e9, 1.0e6, 1.2e6)),
                new TimingReport.Resources(3, 240, 1, 90, 512, 17));
    }

    /** A device's hit rate warming up to {@code top}, and a stale use every tenth interval. */
    private static SimulationReport.DeviceSeries deviceSeries(String name, double top, Random rnd) {
        List<Point> hit = new ArrayList<>();
        List<Point> exposure = new ArrayList<>();
        for (int i = 0; i < 300; i++) {
            long t = 50_000L * i;
            hit.add(new Point(t, Math.min(1, top * (1 - Math.exp(-i / 30.0)) + 0.1 * rnd.nextDouble())));
            if (i % 10 == 5) {
                exposure.add(new Point(t + 1_234, 20_000 + rnd.nextInt(2_000_000)));
            }
        }
        return new SimulationReport.DeviceSeries(name, hit, exposure);
    }

    /** Two variants of a sweep over the driver's strategy: strict (racy's figures) and lazy (fewer syncs). */
    static Comparison comparison() {
        SimulationReport strict = racy();
        SimulationReport lazy = racy();
        lazy = new SimulationReport(lazy.scenario(), lazy.file(), lazy.question(), lazy.seed(), lazy.mode(),
                lazy.eventDigest(), new Checker(30_000, 0, List.of()), new Iotlb(27_000, 3_000, 0.9),
                lazy.latency(), lazy.staleWindow(), new Commands(2_000, 1_000_000.0, 60, 1_500.0, 64),
                lazy.hitRate().stream().map(p -> new Point(p.timeNs(), p.value() * 0.95)).toList(),
                lazy.queueOccupancy().stream().map(p -> new Point(p.timeNs() + 7, p.value() * 1.5)).toList(),
                "/tmp/sweep/driver.strategy=lazy/journal", lazy.run(), lazy.devices(),
                new SimulationReport.Answer("lazy exposes, strict never", true, List.of()), lazy.deviceSeries());
        strict = strict.withAnswer(new SimulationReport.Answer("lazy exposes, strict never", false,
                List.of(new SimulationReport.ClaimResult("violations is none", "2", false))));
        return new Comparison("lazy-unmap-race", strict.question(), "lazy exposes, strict never",
                List.of("driver.strategy"), List.of(
                        new Comparison.Variant("driver.strategy=strict", java.util.Map.of("driver.strategy", "strict"),
                                "/tmp/sweep/driver.strategy=strict", strict),
                        new Comparison.Variant("driver.strategy=lazy", java.util.Map.of("driver.strategy", "lazy"),
                                "/tmp/sweep/driver.strategy=lazy", lazy)));
    }

    /** A run where nothing happened worth drawing: every list empty. */
    static SimulationReport quiet() {
        return new SimulationReport("idle", null, null, 1, "concurrent", DIGEST,
                new Checker(0, 0, List.of()),
                new Iotlb(0, 0, Double.NaN),
                new Latency(0, 0, 0, 0, 0, List.of()),
                new StaleWindow(0, 0, 0, List.of()),
                new Commands(0, 0, 0, 0, 0),
                List.of(), List.of(), "data/journal", new Run(0, 0, 0.01), List.of());
    }

    /** Small enough to keep its whole JSON as a golden file. */
    static SimulationReport small() {
        return new SimulationReport("strict-unmap", "conf/scenarios/strict.conf",
                "Does strict mode \"never\" leave a stale window?", 7, "deterministic", DIGEST,
                new Checker(1_000, 1, List.of(new Violation("isolation", "PA 0x9000 outside\tdomain-1", 2,
                        0xdead_b000L, List.of("smmu-0#5"), "iommu-sim trace --sid 2 --iova 0xdeadb000"))),
                new Iotlb(750, 250, 0.75),
                new Latency(1_000, 250.5, 200, 900, 1_600, List.of(new Bucket(256, 600), new Bucket(1_024, 399),
                        new Bucket(2_048, 1))),
                new StaleWindow(2, 3_000, 2_000.0, List.of(new Bucket(2_048, 1), new Bucket(4_096, 1))),
                new Commands(40, 1.0E7, 10, 1_200.0, 3),
                List.of(new Point(0, 0.0), new Point(1_000_000, 0.75)),
                List.of(new Point(0, 0), new Point(1_000_000, 3)),
                "/tmp/strict/journal", new Run(1_000, 1_000_000, 0.25), List.of());
    }
}
