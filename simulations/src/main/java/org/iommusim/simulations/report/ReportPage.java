package org.iommusim.simulations.report;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * {@code report.html}: one self-contained page, no network at all (a report
 * is often opened from a CI artefact or an air-gapped lab machine), its
 * charts drawn by uPlot, inlined ({@link Charts}).
 */
final class ReportPage {
    static final String HIT_RATE_ID = "chart-hit-rate";
    static final String LATENCY_ID = "chart-latency";
    static final String STALE_WINDOW_ID = "chart-stale-window";
    static final String QUEUE_OCCUPANCY_ID = "chart-queue-occupancy";
    static final String DEVICE_HIT_RATE_ID = "chart-device-hit-rate";
    static final String DEVICE_EXPOSURE_ID = "chart-device-exposure";
    static final String SYNC_LATENCY_ID = "chart-sync-latency";

    private ReportPage() {}

    static String render(SimulationReport r) {
        StringBuilder sb = new StringBuilder(64 * 1024);
        sb.append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
                .append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n")
                .append("<title>iommu-sim report: ").append(Html.escape(r.scenario())).append("</title>\n")
                .append("<script>\n").append(ChartScript.ERRORS).append("</script>\n")
                .append("<style>\n").append(ReportStyle.CSS).append(Charts.css()).append("</style>\n</head>\n")
                .append("<body data-charts-rendered=\"0\">\n");
        header(sb, r);
        verdict(sb, r.checker());
        answer(sb, r.answer());
        figures(sb, r);
        List<Charts.Chart> charts = charts(r);
        sb.append("<section id=\"charts\" class=\"charts\">\n");
        charts.forEach(c -> Charts.figure(sb, c));
        sb.append("</section>\n");
        devices(sb, r.devices());
        timing(sb, r.timing());
        violations(sb, r.checker());
        Charts.scripts(sb, charts);
        sb.append("</body>\n</html>\n");
        return sb.toString();
    }

    private static void header(StringBuilder sb, SimulationReport r) {
        sb.append("<header>\n<h1>").append(Html.escape(r.scenario())).append("</h1>\n");
        if (r.question() != null && !r.question().isBlank()) {
            sb.append("<p class=\"question\">").append(Html.escape(r.question())).append("</p>\n");
        }
        headline(sb, r.answer());
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

    /** The expected answer in one line under the question, and whether this run bears it out. */
    static void headline(StringBuilder sb, SimulationReport.Answer a) {
        if (a == null) {
            return;
        }
        sb.append("<p class=\"headline ").append(a.borneOut() ? "pass" : "fail").append("\" id=\"headline\">")
                .append("Expected: ").append(Html.escape(a.expected())).append(" \u2014 ")
                .append(a.borneOut() ? "borne out by this run" : "NOT borne out by this run").append("</p>\n");
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

    /** The timing model's figures (docs/TIMING.md): translation latency per device and level, unmap cost. */
    private static void timing(StringBuilder sb, TimingReport t) {
        if (t == null) {
            return;
        }
        sb.append("<section id=\"timing\">\n<h2>Timing</h2>\n<table id=\"timing-levels\">\n<tr><th>device</th>"
                + "<th>answered by</th><th>translations</th><th>mean</th><th>p50</th><th>p99</th><th>max</th></tr>\n");
        for (TimingReport.LevelLatency l : t.translation()) {
            String level = l.level().equals(TimingReport.LINK_WAIT) ? "of the walks: waiting for the TBU-TCU link"
                    : l.level();
            sb.append("<tr><td>").append(Html.escape(l.device())).append("</td><td>").append(Html.escape(level))
                    .append("</td><td>").append(Units.count(l.count())).append("</td><td>")
                    .append(Units.duration(l.meanNs())).append("</td><td>").append(Units.duration(l.p50Ns()))
                    .append("</td><td>").append(Units.duration(l.p99Ns())).append("</td><td>")
                    .append(Units.duration(l.maxNs())).append("</td></tr>\n");
        }
        sb.append("</table>\n<table id=\"timing-unmaps\">\n<tr><th>unmap of up to</th><th>calls</th><th>mean</th>"
                + "<th>max</th></tr>\n");
        for (TimingReport.UnmapCost u : t.unmapCost()) {
            sb.append("<tr><td>").append(Units.count(u.upToPages())).append(u.upToPages() == 1 ? " page" : " pages")
                    .append("</td><td>").append(Units.count(u.count())).append("</td><td>")
                    .append(Units.duration(u.meanNs())).append("</td><td>").append(Units.duration(u.maxNs()))
                    .append("</td></tr>\n");
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

    /** The page's charts, in order: the run's series and histograms, then per device. */
    static List<Charts.Chart> charts(SimulationReport r) {
        List<Charts.Chart> out = new ArrayList<>();
        Charts.Axis time = Charts.Axis.time("virtual time");
        out.add(Charts.spec(HIT_RATE_ID, "IOTLB hit rate over time", Charts.Kind.LINE, time,
                Charts.Axis.fraction("hit rate"), "no samples",
                List.of(Charts.series("all lookups", Charts.BLUE, r.hitRate()))));
        out.add(Charts.spec(LATENCY_ID, "Translation latency", Charts.Kind.BARS,
                Charts.Axis.time("latency, bucket upper bound"), Charts.Axis.count("translations", "count"),
                "no translations", List.of(Charts.buckets("translations", Charts.BLUE, r.latency().histogram()))));
        long violations = r.checker().violationCount();
        out.add(Charts.spec(STALE_WINDOW_ID, "Exposure: unmap until no cache translates it", Charts.Kind.BARS,
                Charts.Axis.time("window length, bucket upper bound"), Charts.Axis.count("windows", "count"),
                violations == 0 ? "No exposure windows: no unmapped mapping stayed in a cache"
                        : "No exposure windows; the checker's " + Units.count(violations)
                                + " violations are grouped below",
                List.of(Charts.buckets("exposure windows", Charts.RED, r.staleWindow().distribution()))));
        out.add(Charts.spec(QUEUE_OCCUPANCY_ID, "Command-queue occupancy over time", Charts.Kind.STEP, time,
                Charts.Axis.count("occupancy", "entries"), "no commands",
                List.of(Charts.series("entries between CONS and PROD", Charts.BLUE, r.queueOccupancy()))));
        List<Json> hit = new ArrayList<>();
        List<Json> exposure = new ArrayList<>();
        int i = 0;
        for (SimulationReport.DeviceSeries d : r.deviceSeries()) {
            String colour = Charts.PALETTE.get(i++ % Charts.PALETTE.size());
            hit.add(Charts.series(d.device(), colour, d.hitRate()));
            exposure.add(Charts.series(d.device(), colour, d.exposure()));
        }
        out.add(Charts.spec(DEVICE_HIT_RATE_ID, "IOTLB hit rate per device", Charts.Kind.LINE, time,
                Charts.Axis.fraction("hit rate"), "no per-device samples", hit));
        out.add(Charts.spec(DEVICE_EXPOSURE_ID, "Exposure per device: each stale use, time since its unmap",
                Charts.Kind.POINTS, time, Charts.Axis.time("since the unmap"), "no stale use by any device",
                exposure));
        out.add(Charts.spec(SYNC_LATENCY_ID, "CMD_SYNC latency: submission to completion, as its CPU waits",
                Charts.Kind.BARS, Charts.Axis.time("latency, bucket upper bound"), Charts.Axis.count("syncs", "count"),
                r.timing() == null ? "no timing figures: the timing model runs in deterministic runs only"
                        : "no CMD_SYNC",
                List.of(Charts.buckets("CMD_SYNCs", Charts.BLUE,
                        r.timing() == null ? List.of() : r.timing().cmdSync().histogram()))));
        return out;
    }

    /**
     * The violations grouped by rule, then by the mapping and unmap they name, each group counted and
     * explained by its first violation, with one trace command.
     */
    private static void violations(StringBuilder sb, SimulationReport.Checker c) {
        if (c.violationCount() == 0) {
            return;
        }
        sb.append("<section id=\"violations\">\n<h2>Violations by kind</h2>\n<table id=\"violations-by-rule\">\n"
                + "<tr><th>rule</th><th>violations</th><th>groups listed</th></tr>\n");
        Map<String, List<SimulationReport.ViolationGroup>> byRule = new TreeMap<>();
        for (SimulationReport.ViolationGroup g : c.groups()) {
            byRule.computeIfAbsent(g.rule(), k -> new ArrayList<>()).add(g);
        }
        for (var e : c.violationsByRule().entrySet()) {
            sb.append("<tr><td>").append(Html.escape(e.getKey())).append("</td><td>").append(Units.count(e.getValue()))
                    .append("</td><td>").append(byRule.getOrDefault(e.getKey(), List.of()).size()).append("</td></tr>\n");
        }
        sb.append("</table>\n");
        for (var e : byRule.entrySet()) {
            long listed = e.getValue().stream().mapToLong(SimulationReport.ViolationGroup::count).sum();
            long all = c.violationsByRule().getOrDefault(e.getKey(), listed);
            sb.append("<h3>").append(Html.escape(e.getKey())).append(": by mapping and unmap</h3>\n");
            if (listed < all) {
                sb.append("<p class=\"kept\">The first ").append(e.getValue().size()).append(" groups, ")
                        .append(Units.count(listed)).append(" of the ").append(Units.count(all))
                        .append(" violations of this rule.</p>\n");
            }
            sb.append("<ol class=\"violations\">\n");
            for (SimulationReport.ViolationGroup g : e.getValue()) {
                sb.append("<li class=\"violation group\">\n<p><span class=\"count\">").append(Units.count(g.count()))
                        .append(g.count() == 1 ? " violation" : " violations").append("</span> on ")
                        .append(g.mapping() == null ? "no recorded mapping" : Html.escape(g.mapping()))
                        .append(g.unmap() == null ? "" : ", " + Html.escape(g.unmap())).append("</p>\n<p>")
                        .append(Html.escape(g.explanation())).append("</p>\n<p class=\"trace\">Replay it: <code>")
                        .append(Html.escape(g.traceCommand())).append("</code></p>\n</li>\n");
            }
            sb.append("</ol>\n");
        }
        sb.append("</section>\n");
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
