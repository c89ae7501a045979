package org.iommusim.simulations.cli;

import java.io.PrintWriter;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import org.iommusim.simulations.scenario.Costs;
import org.iommusim.simulations.validate.Calibrations;
import org.iommusim.simulations.validate.Row;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code iommu-sim validate [--cost KEY=NS]...}: runs the calibration
 * scenarios and prints each published figure beside the model's, with the
 * tolerance and a verdict (docs/VALIDATION.md). Exit 0 when every row
 * passes, 1 when one does not, 2 for bad arguments.
 */
@Command(name = "validate", mixinStandardHelpOptions = true,
        description = {"Run the calibration scenarios and compare the timing model with published measurements "
                + "(reference section 10): one row per figure, with its source, tolerance and verdict."})
final class ValidateCommand implements Callable<Integer> {
    private static final List<String> KEYS = List.of("iotlb-hit", "iotlb-miss", "walk-step", "command", "cmd-sync",
            "map", "tbu-tcu-link");

    @Option(names = "--cost", paramLabel = "KEY=NS", description = "change one cost, in ns, as a scenario's costs "
            + "block names it: iotlb-hit, iotlb-miss, walk-step, command, cmd-sync, map, tbu-tcu-link")
    Map<String, String> cost = new TreeMap<>();

    /** Leaves out the row that runs the whole model; for tests of the command's other rows. */
    @Option(names = "--no-simulation", hidden = true)
    boolean noSimulation;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        Costs costs = costs(cost);
        List<Row> rows = Calibrations.rows(costs, !noSimulation);
        PrintWriter out = spec.commandLine().getOut();
        out.printf(Locale.ROOT, "%-72s %-12s %-12s %-26s %s%n", "figure", "published", "model", "tolerance",
                "verdict");
        int failed = 0;
        for (Row r : rows) {
            out.printf(Locale.ROOT, "%-72s %-12s %-12s %-26s %s%n", r.what(), r.published(), r.model(),
                    r.tolerance(), r.pass() ? "pass" : "FAIL");
            failed += r.pass() ? 0 : 1;
        }
        double[][] q = Calibrations.perCpuQueueComparison(costs);
        out.printf(Locale.ROOT, "%nfor comparison (no published figure): map+unmap per CPU per second on 8/16/32/64 CPUs%n");
        out.printf(Locale.ROOT, "  shared queue (Linux)      %s%n", perSecond(q[0]));
        out.printf(Locale.ROOT, "  one queue per CPU (ECMDQ) %s%n", perSecond(q[1]));
        out.println();
        out.println("sources:");
        rows.stream().map(Row::source).distinct().forEach(s -> out.println("  " + s));
        out.printf(Locale.ROOT, "%n%d of %d rows pass%s%n", rows.size() - failed, rows.size(),
                cost.isEmpty() ? " with the shipped costs" : " with costs " + cost);
        out.flush();
        return failed == 0 ? 0 : 1;
    }

    private static String perSecond(double[] v) {
        StringBuilder b = new StringBuilder();
        for (double x : v) {
            b.append(String.format(Locale.ROOT, "%8.0fK", x / 1e3));
        }
        return b.toString();
    }

    /** The shipped costs with the user's changes; a bad key or value is the user's error. */
    static Costs costs(Map<String, String> changes) {
        Costs d = Costs.defaults();
        long[] v = {d.hitNs(), d.missNs(), d.walkStepNs(), d.commandNs(), d.syncNs(), d.mapNs(), d.linkNs()};
        for (Map.Entry<String, String> e : changes.entrySet()) {
            int i = KEYS.indexOf(e.getKey());
            if (i < 0) {
                throw new UserError("--cost: no cost named '" + e.getKey() + "' (one of " + String.join(", ", KEYS)
                        + ")");
            }
            try {
                v[i] = Long.parseLong(e.getValue().strip());
            } catch (NumberFormatException x) {
                throw new UserError("--cost " + e.getKey() + ": '" + e.getValue() + "' is not a whole number of ns");
            }
            if (v[i] < 0) {
                throw new UserError("--cost " + e.getKey() + ": a cost cannot be negative, got " + v[i]);
            }
        }
        return new Costs(v[0], v[1], v[2], v[3], v[4], v[5], v[6]);
    }
}
