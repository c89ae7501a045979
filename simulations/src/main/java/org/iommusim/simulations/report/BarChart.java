package org.iommusim.simulations.report;

import java.util.ArrayList;
import java.util.List;
import org.iommusim.simulations.report.SimulationReport.Bucket;

/**
 * A histogram over duration buckets, one bar per bucket at equal width: the
 * buckets are often logarithmic, and equal widths keep the short ones readable.
 */
final class BarChart {
    private static final int MAX_X_LABELS = 8;

    private BarChart() {}

    static String render(String id, String title, String xLabel, List<Bucket> buckets, String emptyMessage) {
        List<Bucket> data = buckets == null ? List.of() : buckets;
        long max = data.stream().mapToLong(Bucket::count).max().orElse(0);
        ChartFrame f = new ChartFrame(id, title, xLabel, "count");
        NiceScale ys = NiceScale.covering(0, max, 1);
        f.yAxis(ys, v -> Units.tick(v, ys.step()));
        if (max == 0) {
            f.xTicks(List.of(), List.of());
            f.emptyMessage(emptyMessage);
            f.axes();
            return f.close();
        }
        int n = data.size();
        double slot = 1.0 / n;
        int labelEvery = (n + MAX_X_LABELS - 1) / MAX_X_LABELS;
        List<Double> fractions = new ArrayList<>();
        List<String> labels = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            Bucket b = data.get(i);
            String label = "≤" + Units.duration(b.upToNs());
            if (b.count() > 0) {
                double x = f.x(i * slot) + 1;
                double top = f.y(ys.fraction(b.count()));
                double w = Math.max(1, slot * ChartFrame.plotWidth() - 2);
                f.rect("bar", x, top, w, f.y(0) - top, label + ": " + b.count());
            }
            if (i % labelEvery == 0) {
                fractions.add((i + 0.5) * slot);
                labels.add(label);
            }
        }
        f.xTicks(fractions, labels);
        f.axes();
        return f.close();
    }
}
