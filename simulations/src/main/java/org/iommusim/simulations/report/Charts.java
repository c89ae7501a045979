package org.iommusim.simulations.report;

import java.util.ArrayList;
import java.util.List;
import org.iommusim.simulations.report.SimulationReport.Bucket;
import org.iommusim.simulations.report.SimulationReport.Point;

/**
 * Interactive charts for the report pages, drawn by uPlot in the browser
 * (zoom by dragging, double-click to reset, values under the pointer in the
 * legend). The page holds each chart's data as JSON ({@link #spec}) and an
 * empty element where {@link ChartScript} draws it; units are chosen there
 * from the data (ns, µs, ms or s; % for fractions) and printed on both axes.
 */
final class Charts {
    /** Series colours, in order; the first is the report's blue. */
    static final String BLUE = "#1f6feb";
    static final String RED = "#cf222e";
    static final List<String> PALETTE = List.of(BLUE, RED, "#2da44e", "#8250df", "#bf8700", "#0a7ea4", "#d4569b");

    /** How a chart draws its series. */
    enum Kind {
        /** Lines through the points. */
        LINE,
        /** A step series: each value holds until the next point. */
        STEP,
        /** Dots only: events, not a continuous quantity. */
        POINTS,
        /** One bar per bucket, at equal widths whatever the bounds (the x values are the bucket upper bounds). */
        BARS
    }

    /** What the numbers of an axis are: nanoseconds, a 0..1 fraction (shown as %), or a count of {@code unit}. */
    record Axis(String label, String unit) {
        static Axis time(String label) {
            return new Axis(label, "ns");
        }

        static Axis fraction(String label) {
            return new Axis(label, "fraction");
        }

        static Axis count(String label, String unit) {
            return new Axis(label, unit);
        }
    }

    private Charts() {}

    /** A series from time-series points. */
    static Json series(String label, String color, List<Point> points) {
        List<Point> ps = points == null ? List.of() : points;
        List<Json> x = new ArrayList<>(ps.size());
        List<Json> y = new ArrayList<>(ps.size());
        for (Point p : ps) {
            x.add(Json.number(p.timeNs()));
            y.add(Json.number(p.value()));
        }
        return new Json.Obj().string("label", label).string("color", color).put("x", Json.array(x))
                .put("y", Json.array(y));
    }

    /** A series from histogram buckets: x the upper bound, y the count. */
    static Json buckets(String label, String color, List<Bucket> buckets) {
        List<Bucket> bs = buckets == null ? List.of() : buckets;
        List<Json> x = new ArrayList<>(bs.size());
        List<Json> y = new ArrayList<>(bs.size());
        for (Bucket b : bs) {
            x.add(Json.number(b.upToNs()));
            y.add(Json.number(b.count()));
        }
        return new Json.Obj().string("label", label).string("color", color).put("x", Json.array(x))
                .put("y", Json.array(y));
    }

    /** A series of one value per category (x: 0, 1, ...): a bar each. */
    static Json categories(String label, String color, List<String> names, List<Double> values) {
        List<Json> x = new ArrayList<>();
        List<Json> y = new ArrayList<>();
        for (int i = 0; i < values.size(); i++) {
            x.add(Json.number(i));
            y.add(Json.number(values.get(i)));
        }
        return new Json.Obj().string("label", label).string("color", color).put("x", Json.array(x))
                .put("y", Json.array(y)).put("names", Json.array(names.stream().map(Json::string).toList()));
    }

    /** A chart: its element id and title, and its spec as the page's script reads it. */
    record Chart(String id, String title, Json.Obj json) {}

    /**
     * One chart: its element id, title, how it draws, its axes, what it says when there is nothing to draw,
     * and its series (each {@code {label, color, x[], y[]}}, x non-decreasing).
     */
    static Chart spec(String id, String title, Kind kind, Axis x, Axis y, String empty, List<Json> series) {
        return new Chart(id, title, new Json.Obj().string("id", id).string("title", title)
                .string("kind", kind.name().toLowerCase(java.util.Locale.ROOT))
                .string("xLabel", x.label()).string("xUnit", x.unit()).string("yLabel", y.label())
                .string("yUnit", y.unit()).string("empty", empty).put("series", Json.array(series)));
    }

    /** The element a chart is drawn in, in a figure with its title. */
    static void figure(StringBuilder sb, Chart c) {
        sb.append("<figure>\n<figcaption>").append(Html.escape(c.title())).append("</figcaption>\n")
                .append("<div class=\"chart\" id=\"").append(Html.escape(c.id())).append("\"></div>\n</figure>\n");
    }

    /**
     * What a page with charts needs at its end: the specs as JSON, uPlot, and the script that draws them.
     * uPlot's stylesheet goes in the head ({@link #css}).
     */
    static void scripts(StringBuilder sb, List<Chart> charts) {
        String json = JsonPrinter.print(Json.array(charts.stream().map(Chart::json).toList())).replace("</", "<\\/");
        sb.append("<script type=\"application/json\" id=\"chart-data\">\n").append(json).append("</script>\n")
                .append("<script>\n/* uPlot ").append(UPlotAssets.VERSION).append(", MIT licence */\n/*\n")
                .append(UPlotAssets.LICENSE).append("\n*/\n")
                .append(UPlotAssets.SCRIPT).append("\n</script>\n<script>\n").append(ChartScript.DRAW)
                .append("</script>\n");
    }

    /** uPlot's stylesheet and the charts' own. */
    static String css() {
        return UPlotAssets.CSS + "\n" + ChartScript.CSS;
    }
}
