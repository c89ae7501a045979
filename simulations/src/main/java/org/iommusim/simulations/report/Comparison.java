package org.iommusim.simulations.report;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.ToDoubleFunction;

/**
 * Runs of one scenario that differ in a few settings ({@code simulate --sweep}),
 * side by side: written as {@code comparison.json} and
 * {@code comparison.html} by {@link ComparisonWriter}.
 *
 * @param keys     the settings swept, in the order given
 * @param variants one per combination of their values, in grid order
 */
public record Comparison(String scenario, String question, String expected, List<String> keys,
        List<Variant> variants) {

    public Comparison {
        keys = List.copyOf(keys);
        variants = List.copyOf(variants);
    }

    /**
     * One run of the sweep.
     *
     * @param label    its settings as {@code key=value} joined by commas (its folder's name)
     * @param settings each swept key's value in this run
     * @param dir      the folder holding its report and journal
     */
    public record Variant(String label, Map<String, String> settings, String dir, SimulationReport report) {
        public Variant {
            settings = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(settings));
        }
    }

    /**
     * A headline figure compared across variants.
     *
     * @param key  its name in {@code comparison.json}
     * @param unit {@code ns}, {@code fraction} (0..1), or what it counts
     */
    public record Figure(String key, String label, String unit, ToDoubleFunction<SimulationReport> of) {}

    /** The figures every comparison shows, in order. */
    public static final List<Figure> FIGURES = List.of(
            new Figure("hitRate", "IOTLB hit rate", "fraction", r -> r.iotlb().hitRate()),
            new Figure("meanLatencyNs", "mean translation latency", "ns", r -> r.latency().meanNs()),
            new Figure("p99LatencyNs", "p99 translation latency", "ns", r -> r.latency().p99Ns()),
            new Figure("violations", "checker violations", "violations", r -> r.checker().violationCount()),
            new Figure("staleWindows", "stale windows", "windows", r -> r.staleWindow().count()),
            new Figure("maxStaleWindowNs", "longest stale window", "ns", r -> r.staleWindow().maxNs()),
            new Figure("maxExposureNs", "longest exposure (late DMA)", "ns",
                    r -> r.devices() == null ? 0 : r.devices().stream()
                            .mapToLong(SimulationReport.Device::maxExposureNs).max().orElse(0)),
            new Figure("commandsSubmitted", "commands submitted", "commands", r -> r.commands().submitted()),
            new Figure("syncs", "CMD_SYNCs", "syncs", r -> r.commands().syncs()),
            new Figure("meanSyncLatencyNs", "mean sync latency", "ns", r -> r.commands().meanSyncLatencyNs()),
            new Figure("maxQueueOccupancy", "peak queue occupancy", "entries",
                    r -> r.commands().maxQueueOccupancy()),
            new Figure("operations", "operations", "operations", r -> r.run().operations()),
            new Figure("virtualNanos", "virtual time", "ns", r -> r.run().virtualNanos()));
}
