package org.iommusim.simulations.report;

import java.util.List;
import org.iommusim.simulations.report.SimulationReport.Violation;

/**
 * {@code report.html}: one self-contained page, no network at all (a report
 * is often opened from a CI artefact or an air-gapped lab machine), the
 * charts drawn as inline SVG by {@link LineChart} and {@link BarChart}.
 */
final class ReportPage {
    static final String HIT_RATE_ID = "chart-hit-rate";
    static final String LATENCY_ID = "chart-latency";
    static final String STALE_WINDOW_ID = "chart-stale-window";
    static final String QUEUE_OCCUPANCY_ID = "chart-queue-occupancy";

    private ReportPage() {}

    static String render(SimulationReport r) {
        StringBuilder sb = new StringBuilder(64 * 1024);
        sb.append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
                .append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n")
                .append("<title>iommu-sim report: ").append(Html.escape(r.scenario())).append("</title>\n")
                .append("<style>\n").append(ReportStyle.CSS).append("</style>\n</head>\n")
                .append("<body data-charts-rendered=\"0\">\n");
        header(sb, r);
        verdict(sb, r.checker());
        answer(sb, r.answer());
        figures(sb, r);
        devices(sb, r.devices());
        charts(sb, r);
        violations(sb, r.checker());
        sb.append("<script>\n").append(ReportStyle.SCRIPT).append("</script>\n</body>\n</html>\n");
        return sb.toString();
    }

    private static void header(StringBuilder sb, SimulationReport r) {
        sb.append("<header>\n<h1>").append(Html.escape(r.scenario())).append("</h1>\n");
        if (r.question() != null && !r.question().isBlank()) {
            sb.append("<p class=\"question\">").append(Html.escape(r.question())).append("</p>\n");
        }
        sb.append("<dl class=\"meta\">\n");
        term(sb, "seed", Long.toString(r.seed()));
        term(sb, "mode", r.mode());
        term(sb, "scenario file", r.file());
        term(sb, "event digest", r.eventDigest());
        term(sb, "journal", r.journalDir());
        term(sb, "operations", Units.count(r.run().operations()));
        term(sb, "virtual time", Units.duration(r.run().virtualNanos()));
        term(sb, "wall clock", Units.fixed(r.run().wallSeconds(), 2) + " s");
        sb.append("</dl>\n</header>\n");
    }

    private static void verdict(StringBuilder sb, SimulationReport.Checker c) {
        boolean pass = c.violationCount() == 0;
        sb.append("<section id=\"verdict\" class=\"verdict ").append(pass ? "pass" : "fail").append("\">\n<h2>")
                .append(pass ? "Checker: no violations" : "Checker: " + Units.count(c.violationCount())
                        + (c.violationCount() == 1 ? " violation" : " violations"))
                .append("</h2>\n<p>").append(Units.count(c.translationsChecked()))
                .append(" translations checked against the reference semantics.</p>\n</section>\n");
    }

    /** The scenario's expected answer and each claim judged on this run. */
    private static void answer(StringBuilder sb, SimulationReport.Answer a) {
        if (a == null) {
            return;
        }
        sb.append("<section id=\"answer\" class=\"verdict ").append(a.borneOut() ? "pass" : "fail")
                .append("\">\n<h2>").append(a.borneOut() ? "Expected answer: borne out by this run"
                        : "Expected answer: NOT borne out by this run").append("</h2>\n<p>")
                .append(Html.escape(a.expected())).append("</p>\n<ul>\n");
        for (SimulationReport.ClaimResult c : a.claims()) {
            sb.append("<li>").append(c.holds() ? "holds: " : "does not hold: ").append(Html.escape(c.claim()))
                    .append(" (").append(Html.escape(c.observed())).append(")</li>\n");
        }
        sb.append("</ul>\n</section>\n");
    }

    /** What the driver did for each device, and what it cost the device: one row per device. */
    private static void devices(StringBuilder sb, List<SimulationReport.Device> devices) {
        if (devices == null || devices.isEmpty()) {
            return;
        }
        sb.append("<section id=\"devices\">\n<h2>Devices</h2>\n<table>\n<tr><th>device</th><th>workload</th>"
                + "<th>operations</th><th>hit rate</th><th>unmaps</th><th>TLBIs per unmap</th>"
                + "<th>CMD_SYNCs</th><th>refills</th><th>late DMAs</th><th>stale uses</th>"
                + "<th>longest exposure</th><th>unmaps behind</th></tr>\n");
        for (SimulationReport.Device d : devices) {
            sb.append("<tr><td>").append(Html.escape(d.name())).append(d.untrusted() ? " (untrusted)" : "")
                    .append("</td><td>").append(Html.escape(d.workload())).append("</td><td>")
                    .append(Units.count(d.operations())).append("</td><td>").append(Units.percent(d.hitRate()))
                    .append("</td><td>").append(Units.count(d.unmaps())).append("</td><td>")
                    .append(Units.fixed(d.tlbisPerUnmap(), 2)).append("</td><td>").append(Units.count(d.syncs()))
                    .append("</td><td>").append(Units.count(d.refills())).append("</td><td>")
                    .append(Units.count(d.strays())).append("</td><td>").append(Units.count(d.staleUses()))
                    .append("</td><td>").append(Units.duration(d.maxExposureNs())).append("</td><td>")
                    .append(Units.count(d.maxUnmapsBehind())).append("</td></tr>\n");
        }
        sb.append("</table>\n</section>\n");
    }

    private static void figures(StringBuilder sb, SimulationReport r) {
        SimulationReport.Iotlb i = r.iotlb();
        SimulationReport.Latency l = r.latency();
        SimulationReport.StaleWindow s = r.staleWindow();
        SimulationReport.Commands c = r.commands();
        sb.append("<section id=\"figures\" class=\"figures\">\n");
        card(sb, "iotlb", "IOTLB", new String[][] {
                {"hits", Units.count(i.hits())}, {"misses", Units.count(i.misses())},
                {"hit rate", Units.percent(i.hitRate())}});
        card(sb, "latency", "Translation latency", new String[][] {
                {"translations", Units.count(l.count())}, {"mean", Units.duration(l.meanNs())},
                {"p50", Units.duration(l.p50Ns())}, {"p99", Units.duration(l.p99Ns())},
                {"max", Units.duration(l.maxNs())}});
        card(sb, "stale-window", "Exposure (from the caches)", new String[][] {
                {"exposed unmaps", Units.count(s.count())}, {"max", Units.duration(s.maxNs())},
                {"mean", Units.duration(s.meanNs())}, {"unmaps behind", Units.count(s.maxUnmapsBehind())},
                {"stale uses", Units.count(r.checker().staleUses())}});
        card(sb, "commands", "Command queue", new String[][] {
                {"submitted", Units.count(c.submitted())}, {"per second", Units.rate(c.perSecond())},
                {"CMD_SYNCs", Units.count(c.syncs())}, {"mean sync latency", Units.duration(c.meanSyncLatencyNs())},
                {"max occupancy", Units.count(c.maxQueueOccupancy())}});
        if (r.devices() != null) {
            for (SimulationReport.Device d : r.devices()) {
                card(sb, "device-" + d.name(), "Device " + d.name() + " (" + d.workload() + ", sid 0x"
                        + Integer.toHexString(d.sid()) + ")", new String[][] {
                        {"hits", Units.count(d.hits())}, {"misses", Units.count(d.misses())},
                        {"hit rate", Units.percent(d.hitRate())}, {"stale uses", Units.count(d.staleUses())},
                        {"faults", Units.count(d.faults())}, {"violations", Units.count(d.violations())}});
            }
        }
        sb.append("</section>\n");
    }

    private static void charts(StringBuilder sb, SimulationReport r) {
        sb.append("<section id=\"charts\" class=\"charts\">\n");
        figure(sb, LineChart.render(HIT_RATE_ID, "IOTLB hit rate over time", "hit rate", r.hitRate(),
                LineChart.ValueAxis.FRACTION));
        figure(sb, BarChart.render(LATENCY_ID, "Translation latency", "latency (bucket upper bound)",
                r.latency().histogram(), "no translations"));
        figure(sb, BarChart.render(STALE_WINDOW_ID, "Exposure: unmap until no cache translates it",
                "window length (bucket upper bound)", r.staleWindow().distribution(), "No exposure windows"));
        figure(sb, LineChart.render(QUEUE_OCCUPANCY_ID, "Command-queue occupancy over time", "entries",
                r.queueOccupancy(), LineChart.ValueAxis.COUNT));
        sb.append("</section>\n");
    }

    private static void violations(StringBuilder sb, SimulationReport.Checker c) {
        List<Violation> violations = c.violations();
        if (violations == null || violations.isEmpty()) {
            return;
        }
        sb.append("<section id=\"violations\">\n<h2>Violations</h2>\n");
        if (violations.size() < c.violationCount()) {
            sb.append("<p class=\"kept\">Listed below: ").append(Units.count(violations.size())).append(" of ")
                    .append(Units.count(c.violationCount())).append(" violations, the first of each rule (per rule: ");
            boolean first = true;
            for (var e : c.violationsByRule().entrySet()) {
                sb.append(first ? "" : ", ").append(Html.escape(e.getKey())).append(' ')
                        .append(Units.count(e.getValue()));
                first = false;
            }
            sb.append(").</p>\n");
        }
        sb.append("<ol class=\"violations\">\n");
        for (Violation v : violations) {
            sb.append("<li class=\"violation\">\n<h3>").append(Html.escape(v.rule())).append("</h3>\n<p>")
                    .append(Html.escape(v.explanation())).append("</p>\n<dl class=\"meta\">\n");
            term(sb, "StreamID", Integer.toString(v.sid()));
            term(sb, "IOVA", "0x" + Long.toHexString(v.iova()));
            term(sb, "events", v.events() == null ? "" : String.join(", ", v.events()));
            sb.append("</dl>\n<p class=\"trace\">Replay it: <code>").append(Html.escape(v.traceCommand()))
                    .append("</code></p>\n</li>\n");
        }
        sb.append("</ol>\n</section>\n");
    }

    private static void figure(StringBuilder sb, String svg) {
        sb.append("<figure>\n").append(svg).append("\n</figure>\n");
    }

    private static void card(StringBuilder sb, String id, String title, String[][] rows) {
        sb.append("<div class=\"card\" id=\"figures-").append(id).append("\">\n<h2>").append(Html.escape(title))
                .append("</h2>\n<dl>\n");
        for (String[] row : rows) {
            term(sb, row[0], row[1]);
        }
        sb.append("</dl>\n</div>\n");
    }

    private static void term(StringBuilder sb, String term, String value) {
        sb.append("<dt>").append(Html.escape(term)).append("</dt><dd>")
                .append(value == null ? "<span class=\"none\">none</span>" : Html.escape(value)).append("</dd>\n");
    }
}
