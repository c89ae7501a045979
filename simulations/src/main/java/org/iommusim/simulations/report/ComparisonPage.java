package org.iommusim.simulations.report;

import java.util.ArrayList;
import java.util.List;

/**
 * {@code comparison.html}: the variants of a sweep side by side, as
 * self-contained as {@code report.html} (uPlot inlined, no network).
 */
final class ComparisonPage {
    static final String HIT_RATE_ID = "chart-compare-hit-rate";
    static final String QUEUE_OCCUPANCY_ID = "chart-compare-queue-occupancy";
    /** Per headline figure: {@code chart-figure-<key>}. */
    static final String FIGURE_PREFIX = "chart-figure-";
    /** The figures charted one bar per variant (all are in the table). */
    static final List<String> CHARTED = List.of("hitRate", "p99LatencyNs", "violations", "maxStaleWindowNs",
            "maxExposureNs", "syncs");

    private ComparisonPage() {}

    static String render(Comparison c) {
        StringBuilder sb = new StringBuilder(64 * 1024);
        sb.append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
                .append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n")
                .append("<title>iommu-sim comparison: ").append(Html.escape(c.scenario())).append("</title>\n")
                .append("<script>\n").append(ChartScript.ERRORS).append("</script>\n")
                .append("<style>\n").append(ReportStyle.CSS).append(Charts.css()).append("</style>\n</head>\n")
                .append("<body data-charts-rendered=\"0\">\n<header>\n<h1>").append(Html.escape(c.scenario()))
                .append(": ").append(c.variants().size()).append(" variants</h1>\n");
        if (c.question() != null && !c.question().isBlank()) {
            sb.append("<p class=\"question\">").append(Html.escape(c.question())).append("</p>\n");
        }
        if (c.expected() != null) {
            long borne = c.variants().stream().filter(v -> v.report().answer() != null
                    && v.report().answer().borneOut()).count();
            sb.append("<p class=\"headline ").append(borne == c.variants().size() ? "pass" : "fail")
                    .append("\" id=\"headline\">Expected: ").append(Html.escape(c.expected())).append(" \u2014 borne out by ")
                    .append(borne).append(" of ").append(c.variants().size()).append(" variants</p>\n");
        }
        sb.append("<p>Swept: ").append(Html.escape(String.join(", ", c.keys()))).append("</p>\n</header>\n");
        table(sb, c);
        List<Charts.Chart> charts = charts(c);
        sb.append("<section id=\"charts\" class=\"charts\">\n");
        charts.forEach(ch -> Charts.figure(sb, ch));
        sb.append("</section>\n");
        Charts.scripts(sb, charts);
        return sb.append("</body>\n</html>\n").toString();
    }

    private static void table(StringBuilder sb, Comparison c) {
        sb.append("<section id=\"comparison\">\n<h2>Headline figures</h2>\n<table id=\"comparison-table\">\n<tr><th>figure</th>");
        for (Comparison.Variant v : c.variants()) {
            sb.append("<th><a href=\"").append(Html.escape(relative(v))).append("\">").append(Html.escape(v.label()))
                    .append("</a></th>");
        }
        sb.append("</tr>\n");
        if (c.expected() != null) {
            sb.append("<tr class=\"answer\"><td>expected answer</td>");
            for (Comparison.Variant v : c.variants()) {
                SimulationReport.Answer a = v.report().answer();
                sb.append("<td class=\"").append(a != null && a.borneOut() ? "pass" : "fail").append("\">")
                        .append(a == null ? "not judged" : a.borneOut() ? "borne out" : "NOT borne out");
                if (a != null) {
                    for (SimulationReport.ClaimResult cl : a.claims()) {
                        sb.append("<br>").append(cl.holds() ? "holds: " : "does not hold: ").append(Html.escape(cl.claim()))
                                .append(" (").append(Html.escape(cl.observed())).append(')');
                    }
                }
                sb.append("</td>");
            }
            sb.append("</tr>\n");
        }
        for (Comparison.Figure f : Comparison.FIGURES) {
            sb.append("<tr data-figure=\"").append(f.key()).append("\"><td>").append(Html.escape(f.label()))
                    .append("</td>");
            for (Comparison.Variant v : c.variants()) {
                sb.append("<td>").append(Html.escape(format(f, f.of().applyAsDouble(v.report())))).append("</td>");
            }
            sb.append("</tr>\n");
        }
        sb.append("</table>\n</section>\n");
    }

    private static String relative(Comparison.Variant v) {
        return java.nio.file.Path.of(v.dir()).getFileName() + "/" + ReportWriter.HTML_FILE;
    }

    static String format(Comparison.Figure f, double value) {
        return switch (f.unit()) {
            case "ns" -> Units.duration(Math.round(value));
            case "fraction" -> Units.percent(value);
            default -> value == Math.rint(value) ? Units.count(Math.round(value)) : Units.fixed(value, 2);
        };
    }

    static List<Charts.Chart> charts(Comparison c) {
        List<Charts.Chart> out = new ArrayList<>();
        List<String> names = c.variants().stream().map(Comparison.Variant::label).toList();
        for (Comparison.Figure f : Comparison.FIGURES) {
            if (!CHARTED.contains(f.key())) {
                continue;
            }
            List<Double> values = c.variants().stream().map(v -> f.of().applyAsDouble(v.report())).toList();
            Charts.Axis y = f.unit().equals("ns") ? Charts.Axis.time(f.label())
                    : f.unit().equals("fraction") ? Charts.Axis.fraction(f.label())
                    : Charts.Axis.count(f.label(), f.unit());
            out.add(Charts.spec(FIGURE_PREFIX + f.key(), f.label() + " per variant", Charts.Kind.BARS,
                    Charts.Axis.count("variant", String.join(", ", c.keys())), y, "no variants",
                    List.of(Charts.categories(f.label(), Charts.BLUE, names, values))));
        }
        List<Json> hit = new ArrayList<>();
        List<Json> queue = new ArrayList<>();
        int i = 0;
        for (Comparison.Variant v : c.variants()) {
            String colour = Charts.PALETTE.get(i++ % Charts.PALETTE.size());
            hit.add(Charts.series(v.label(), colour, v.report().hitRate()));
            queue.add(Charts.series(v.label(), colour, v.report().queueOccupancy()));
        }
        Charts.Axis time = Charts.Axis.time("virtual time");
        out.add(Charts.spec(HIT_RATE_ID, "IOTLB hit rate over time, each variant", Charts.Kind.LINE, time,
                Charts.Axis.fraction("hit rate"), "no samples", hit));
        out.add(Charts.spec(QUEUE_OCCUPANCY_ID, "Command-queue occupancy over time, each variant", Charts.Kind.STEP,
                time, Charts.Axis.count("occupancy", "entries"), "no commands", queue));
        return out;
    }
}
