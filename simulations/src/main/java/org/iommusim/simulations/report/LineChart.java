package org.iommusim.simulations.report;

import java.util.ArrayList;
import java.util.List;
import java.util.function.DoubleFunction;
import org.iommusim.simulations.report.SimulationReport.Point;

/** A time series over virtual time as one SVG path. */
final class LineChart {

    /** How the value axis is scaled and labelled. */
    enum ValueAxis {
        /** 0 to 1 shown as 0% to 100%, whatever the data: a hit rate's scale is fixed. */
        FRACTION,
        /** 0 up to the largest value, integer ticks. */
        COUNT
    }

    private LineChart() {}

    static String render(String id, String title, String yLabel, List<Point> points, ValueAxis axis) {
        List<Point> data = points == null ? List.of() : points;
        ChartFrame f = new ChartFrame(id, title, "virtual time", yLabel);
        NiceScale ys = axis == ValueAxis.FRACTION
                ? new NiceScale(0, 1, 0.2)
                : NiceScale.covering(0, data.stream().mapToDouble(Point::value).max().orElse(0), 1);
        DoubleFunction<String> yLabelOf = axis == ValueAxis.FRACTION
                ? v -> Units.percentTick(v, ys.step())
                : v -> Units.tick(v, ys.step());
        f.yAxis(ys, yLabelOf);
        if (data.isEmpty()) {
            f.emptyMessage("no samples");
            f.axes();
            return f.close();
        }
        long t0 = data.stream().mapToLong(Point::timeNs).min().orElseThrow();
        long t1 = data.stream().mapToLong(Point::timeNs).max().orElseThrow();
        // the x axis spans the data exactly; ticks are the round times inside it
        double span = Math.max(1, t1 - t0);
        NiceScale xs = NiceScale.covering(t0, t0 + span, 1);
        List<Double> fractions = new ArrayList<>();
        List<String> labels = new ArrayList<>();
        for (double t : xs.ticks()) {
            if (t >= t0 && t <= t0 + span) {
                fractions.add((t - t0) / span);
                labels.add(Units.durationTick(t, xs.step(), t0 + span));
            }
        }
        f.xTicks(fractions, labels);
        StringBuilder d = new StringBuilder(data.size() * 14);
        for (Point p : data) {
            double v = Double.isFinite(p.value()) ? p.value() : 0;
            double x = f.x((p.timeNs() - t0) / span);
            double y = f.y(clamp(ys.fraction(v)));
            d.append(d.length() == 0 ? "M" : "L").append(ChartFrame.num(x)).append(' ').append(ChartFrame.num(y));
        }
        f.path("series", d.toString());
        if (data.size() == 1) {
            // a path of one point has nothing to stroke
            f.circle("series-dot", f.x(0), f.y(clamp(ys.fraction(data.get(0).value()))), 3);
        }
        f.axes();
        return f.close();
    }

    private static double clamp(double fraction) {
        return Math.max(0, Math.min(1, fraction));
    }
}
