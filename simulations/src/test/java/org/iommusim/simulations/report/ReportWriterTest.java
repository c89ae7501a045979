package org.iommusim.simulations.report;

import static org.iommusim.simulations.report.MiniJson.at;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** report.json's contract and report.html's structure, without a browser. */
class ReportWriterTest {
    private static final List<String> TOP_LEVEL_KEYS = List.of("scenario", "file", "question", "answer", "seed", "mode",
            "eventDigest", "checker", "iotlb", "tcu", "devices", "latency", "staleWindow", "commands", "hitRateOverTime",
            "queueOccupancy", "deviceSeries", "journalDir", "run", "timing");
    private static final List<String> CHART_IDS = List.of(ReportPage.HIT_RATE_ID, ReportPage.LATENCY_ID,
            ReportPage.STALE_WINDOW_ID, ReportPage.QUEUE_OCCUPANCY_ID, ReportPage.DEVICE_HIT_RATE_ID,
            ReportPage.DEVICE_EXPOSURE_ID, ReportPage.SYNC_LATENCY_ID);

    @TempDir
    Path tmp;

    @Test
    void writesBothFilesIntoANewNestedDirectory() throws IOException {
        Path out = tmp.resolve("a/b/out");
        ReportFiles files = ReportWriter.write(SampleReports.racy(), out);
        assertEquals(out.resolve("report.json"), files.json());
        assertEquals(out.resolve("report.html"), files.html());
        assertTrue(Files.size(files.json()) > 0 && Files.size(files.html()) > 0);
    }

    @Test
    void jsonHasEveryTopLevelKeyInTheDocumentedOrder() throws IOException {
        Map<?, ?> root = (Map<?, ?>) readJson(SampleReports.racy());
        assertEquals(TOP_LEVEL_KEYS, new ArrayList<>(root.keySet()));
        assertEquals(List.of("operations", "virtualNanos", "wallSeconds"),
                new ArrayList<>(((Map<?, ?>) root.get("run")).keySet()));
        assertEquals(List.of("count", "maxNs", "meanNs", "distribution", "maxUnmapsBehind", "staleUses"),
                new ArrayList<>(((Map<?, ?>) root.get("staleWindow")).keySet()));
        assertEquals(List.of("translationsChecked", "violationCount", "violationsByRule", "examplesKept", "violations",
                "staleUses", "staleUsesAfterSync", "cacheReadings", "faults", "warnings", "groups"),
                new ArrayList<>(((Map<?, ?>) root.get("checker")).keySet()));
    }

    @Test
    void jsonCarriesTheReportsValues() throws IOException {
        SimulationReport r = SampleReports.racy();
        Object root = readJson(r);
        assertEquals("lazy-unmap-race", at(root, "scenario"));
        assertEquals(new BigDecimal(42), at(root, "seed"));
        assertEquals(SampleReports.DIGEST, at(root, "eventDigest"));
        assertEquals("deterministic", at(root, "mode"));
        assertEquals("conf/scenarios/lazy-unmap-race.conf", at(root, "file"));
        assertEquals("Can a device still reach a page after lazy unmap returns?", at(root, "question"));
        assertEquals(new BigDecimal(2), at(root, "checker.violationCount"));
        assertEquals(new BigDecimal(33_817), at(root, "checker.translationsChecked"));
        assertEquals(new BigDecimal(29_954), at(root, "iotlb.hits"));
        assertEquals(new BigDecimal(3_863), at(root, "iotlb.misses"));
        assertEquals("nic0", ((Map<?, ?>) ((List<?>) at(root, "devices")).get(0)).get("name"));
        assertEquals(r.iotlb().hitRate(), ((BigDecimal) at(root, "iotlb.hitRate")).doubleValue());
        assertEquals(new BigDecimal(38), at(root, "staleWindow.count"));
        assertEquals(new BigDecimal(64_000), at(root, "staleWindow.maxNs"));
        assertEquals(new BigDecimal("5789.5"), at(root, "staleWindow.meanNs"));
        assertEquals(7, ((List<?>) at(root, "staleWindow.distribution")).size());
        assertEquals(12, ((List<?>) at(root, "latency.histogram")).size());
        assertEquals(new BigDecimal(3_200), at(root, "latency.p99Ns"));
        assertEquals(new BigDecimal(512), at(root, "commands.syncs"));
        assertEquals(300, ((List<?>) at(root, "hitRateOverTime")).size());
        assertEquals(300, ((List<?>) at(root, "queueOccupancy")).size());
        assertEquals("/tmp/run-42/journal", at(root, "journalDir"));
        assertEquals(new BigDecimal(40_000), at(root, "run.operations"));
        assertEquals(new BigDecimal(15_000_000), at(root, "run.virtualNanos"));
        assertEquals(new BigDecimal("3.75"), at(root, "run.wallSeconds"));

        Map<?, ?> first = (Map<?, ?>) ((List<?>) at(root, "checker.violations")).get(0);
        assertEquals(List.of("rule", "explanation", "sid", "iova", "events", "traceCommand"),
                new ArrayList<>(first.keySet()));
        assertEquals("stale-after-sync", first.get("rule"));
        assertEquals(new BigDecimal(17), first.get("sid"));
        assertEquals("0xffff800012345000", first.get("iova"), "addresses above 2^53 travel as hex strings");
        assertEquals(List.of("smmu-0#311", "smmu-0/iotlb-2#88", "domain-3#140"), first.get("events"));
        assertEquals("iommu-sim trace --journal /tmp/run-42 --sid 17 --iova 0xffff800012345000",
                first.get("traceCommand"));
    }

    @Test
    void smallReportMatchesTheGoldenLayout() throws IOException {
        String expected;
        try (InputStream in = getClass().getResourceAsStream("/report/small.json")) {
            expected = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        String actual = Files.readString(ReportWriter.write(SampleReports.small(), tmp).json());
        assertEquals(expected, actual);
    }

    @Test
    void deterministicJsonLeavesOutWallClockAndJournalPath() {
        SimulationReport r = SampleReports.racy();
        Object root = MiniJson.parse(ReportWriter.json(r));
        assertFalse(((Map<?, ?>) root).containsKey("journalDir"));
        assertEquals(List.of("operations", "virtualNanos"), new ArrayList<>(((Map<?, ?>) at(root, "run")).keySet()));

        SimulationReport elsewhere = new SimulationReport(r.scenario(), r.file(), r.question(), r.seed(), r.mode(),
                r.eventDigest(), r.checker(), r.iotlb(), r.latency(), r.staleWindow(), r.commands(), r.hitRate(),
                r.queueOccupancy(), "/somewhere/else", new SimulationReport.Run(r.run().operations(),
                        r.run().virtualNanos(), 99.5), r.devices()).withDeviceSeries(r.deviceSeries())
                .withTiming(r.timing());
        assertEquals(ReportWriter.json(r), ReportWriter.json(elsewhere));
        SimulationReport otherSeed = new SimulationReport(r.scenario(), r.file(), r.question(), r.seed() + 1,
                r.mode(), r.eventDigest(), r.checker(), r.iotlb(), r.latency(), r.staleWindow(), r.commands(),
                r.hitRate(), r.queueOccupancy(), r.journalDir(), r.run(), r.devices()).withDeviceSeries(r.deviceSeries());
        assertNotEquals(ReportWriter.json(r), ReportWriter.json(otherSeed));
    }

    @Test
    void deterministicJsonIsTheFileMinusTheTwoRunFields() throws IOException {
        String file = Files.readString(ReportWriter.write(SampleReports.small(), tmp).json());
        String stripped = file.replace("  \"journalDir\": \"/tmp/strict/journal\",\n", "")
                .replace("\"virtualNanos\": 1000000,\n    \"wallSeconds\": 0.25\n", "\"virtualNanos\": 1000000\n");
        assertEquals(stripped, ReportWriter.json(SampleReports.small()));
    }

    @Test
    void outputDoesNotDependOnTheDefaultLocale() throws IOException {
        Locale saved = Locale.getDefault();
        String json;
        String html;
        try {
            Locale.setDefault(Locale.GERMANY);
            ReportFiles files = ReportWriter.write(SampleReports.racy(), tmp.resolve("de"));
            json = Files.readString(files.json());
            html = Files.readString(files.html());
        } finally {
            Locale.setDefault(saved);
        }
        ReportFiles root = ReportWriter.write(SampleReports.racy(), tmp.resolve("root"));
        assertEquals(Files.readString(root.json()), json);
        assertEquals(Files.readString(root.html()), html);
        assertTrue(json.contains("\"wallSeconds\": 3.75"));
    }

    @Test
    void aRunThatSawNothingIsStillValidJson() throws IOException {
        Object root = readJson(SampleReports.quiet());
        assertNull(at(root, "iotlb.hitRate"), "NaN has no JSON form");
        assertNull(at(root, "file"));
        assertNull(at(root, "question"));
        assertEquals(List.of(), at(root, "checker.violations"));
        assertEquals(List.of(), at(root, "staleWindow.distribution"));
        assertEquals(List.of(), at(root, "hitRateOverTime"));
        assertEquals(new BigDecimal(0), at(root, "checker.violationCount"));
    }

    @Test
    void htmlHasEveryChartUPlotInlineAndNoNetworkReferences() throws IOException {
        String html = readHtml(SampleReports.racy());
        for (String id : CHART_IDS) {
            assertTrue(html.contains("<div class=\"chart\" id=\"" + id + "\"></div>"), id);
        }
        assertTrue(html.contains("/* uPlot " + UPlotAssets.VERSION + ", MIT licence */"), "uPlot is inlined");
        assertTrue(html.contains(".uplot"), "uPlot's stylesheet is inlined");
        assertTrue(html.contains("Copyright (c) 2022 Leon Sorokin"), "with its MIT licence");
        assertFalse(html.contains("<svg"), "the hand-drawn SVG charts are gone");
        // uPlot's banner names its home page in a comment; nothing is loaded from it
        String page = html.replace("/*! https://github.com/leeoniya/uPlot (v" + UPlotAssets.VERSION + ") */", "");
        for (String forbidden : List.of("http://", "https://", "<script src", "<link", "@import", "url(")) {
            assertFalse(page.contains(forbidden), forbidden);
        }
        assertTrue(html.contains("data-charts-rendered"));
    }

    @Test
    void chartDataIsEachSeriesInFullWithItsUnits() throws IOException {
        SimulationReport r = SampleReports.racy();
        List<?> specs = chartData(readHtml(r));
        assertEquals(CHART_IDS, specs.stream().map(s -> ((Map<?, ?>) s).get("id")).toList());
        Map<?, ?> hit = (Map<?, ?>) specs.get(0);
        assertEquals("line", hit.get("kind"));
        assertEquals("ns", hit.get("xUnit"));
        assertEquals("fraction", hit.get("yUnit"));
        assertEquals(300, ((List<?>) at(((List<?>) hit.get("series")).get(0), "x")).size());
        Map<?, ?> latency = (Map<?, ?>) specs.get(1);
        assertEquals("bars", latency.get("kind"));
        assertEquals(12, ((List<?>) at(((List<?>) latency.get("series")).get(0), "y")).size(), "one bar per bucket");
        Map<?, ?> queue = (Map<?, ?>) specs.get(3);
        assertEquals("step", queue.get("kind"), "occupancy holds its value until the next change");
        assertEquals("entries", queue.get("yUnit"));
        List<?> perDevice = (List<?>) ((Map<?, ?>) specs.get(4)).get("series");
        assertEquals(List.of("nic0", "disk0"), perDevice.stream().map(s -> ((Map<?, ?>) s).get("label")).toList());
        Map<?, ?> exposure = (Map<?, ?>) specs.get(5);
        assertEquals("points", exposure.get("kind"));
        assertEquals("ns", exposure.get("yUnit"));
        assertEquals(r.deviceSeries().get(0).exposure().size(),
                ((List<?>) at(((List<?>) exposure.get("series")).get(0), "x")).size());
    }

    @Test
    void htmlShowsTheVerdictFiguresAndEachViolationsTraceCommand() throws IOException {
        String html = readHtml(SampleReports.racy());
        assertTrue(html.contains("<h1>lazy-unmap-race</h1>"));
        assertTrue(html.contains("Can a device still reach a page after lazy unmap returns?"));
        assertTrue(html.contains("<dt>seed</dt><dd>42</dd>"));
        assertTrue(html.contains("class=\"verdict fail\""));
        assertTrue(html.contains("Checker: 2 violations"));
        assertTrue(html.contains("<dt>hit rate</dt><dd>88.58%</dd>"), "29954/33817");
        assertTrue(html.contains("<code>iommu-sim trace --journal /tmp/run-42 --sid 17 --iova 0xffff800012345000</code>"));
        assertTrue(html.contains("<code>iommu-sim trace --journal /tmp/run-42 --sid 17 --iova 0x40000000</code>"));
        assertTrue(html.contains("mapped again by domain-3 &lt;before&gt; the lazy flush queue drained &amp; synced"),
                "report text is escaped");
    }

    @Test
    void aCutListOfViolationsSaysSoWithTheCountsPerRule() throws IOException {
        SimulationReport r = SampleReports.racy();
        SimulationReport cut = new SimulationReport(r.scenario(), r.file(), r.question(), r.seed(), r.mode(),
                r.eventDigest(), new SimulationReport.Checker(33_817, 5_266, java.util.Map.of("stale-after-sync",
                        5_265L, "iova-reused-before-flush", 1L), r.checker().violations()), r.iotlb(), r.latency(),
                r.staleWindow(), r.commands(), r.hitRate(), r.queueOccupancy(), r.journalDir(), r.run(), r.devices());
        String html = readHtml(cut);
        assertTrue(html.contains("Checker: 5,266 violations"), html);
        assertTrue(html.contains("<tr><td>stale-after-sync</td><td>5,265</td><td>1</td></tr>"), "count per rule");
        assertTrue(html.contains("The first 1 groups, 1 of the 5,265 violations of this rule."), html);
        Object root = readJson(cut);
        assertEquals(new BigDecimal(5_266), at(root, "checker.violationCount"));
        assertEquals(new BigDecimal(5_265), at(root, "checker.violationsByRule.stale-after-sync"));
        assertEquals(new BigDecimal(2), at(root, "checker.examplesKept"));
        assertFalse(readHtml(r).contains("class=\"kept\""), "a complete list says nothing");
    }

    @Test
    void violationsAreGroupedByRuleAndMappingWithOneTraceLineEach() throws IOException {
        SimulationReport r = SampleReports.racy();
        SimulationReport.Violation v = r.checker().violations().get(0);
        List<SimulationReport.Violation> many = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            many.add(new SimulationReport.Violation(v.rule(), "use " + i, v.sid(), v.iova() + i * 64L, v.events(),
                    "iommu-sim trace --iova " + i));
        }
        many.add(r.checker().violations().get(1));
        SimulationReport grouped = new SimulationReport(r.scenario(), r.file(), r.question(), r.seed(), r.mode(),
                r.eventDigest(), new SimulationReport.Checker(1_000, many.size(), many), r.iotlb(), r.latency(),
                r.staleWindow(), r.commands(), r.hitRate(), r.queueOccupancy(), r.journalDir(), r.run(), r.devices());
        String html = readHtml(grouped);
        assertEquals(2, count(html, "<li class=\"violation group\">"), "one entry per (rule, mapping, unmap)");
        assertEquals(2, count(html, "<p class=\"trace\">"), "one trace line per group");
        assertTrue(html.contains("<span class=\"count\">40 violations</span> on smmu-0#311, smmu-0/iotlb-2#88"), html);
        assertTrue(html.contains("<code>iommu-sim trace --iova 0</code>"), "the group's first violation's trace");
        assertFalse(html.contains("iommu-sim trace --iova 1<"), "not one per violation");
        List<?> groups = (List<?>) at(readJson(grouped), "checker.groups");
        assertEquals(2, groups.size());
        Map<?, ?> first = (Map<?, ?>) groups.get(0);
        assertEquals(List.of("rule", "mapping", "unmap", "count", "explanation", "traceCommand"),
                new ArrayList<>(first.keySet()));
        assertEquals(new BigDecimal(40), first.get("count"));
        assertEquals("smmu-0#311", first.get("mapping"));
        assertEquals("use 0", first.get("explanation"));
    }

    @Test
    void aRunThatSawNothingStillHasEveryChartWithItsEmptyState() throws Exception {
        String html = readHtml(SampleReports.quiet());
        List<?> specs = chartData(html);
        assertEquals(CHART_IDS.size(), specs.size());
        for (Object spec : specs) {
            for (Object series : (List<?>) ((Map<?, ?>) spec).get("series")) {
                assertEquals(List.of(), ((Map<?, ?>) series).get("x"));
            }
            assertFalse(((String) ((Map<?, ?>) spec).get("empty")).isBlank());
        }
        assertEquals("No exposure windows: no unmapped mapping stayed in a cache",
                ((Map<?, ?>) specs.get(2)).get("empty"));
        assertTrue(html.contains("class=\"verdict pass\""));
        assertTrue(html.contains("Checker: no violations"));
        assertFalse(html.contains("id=\"violations\""));
        assertTrue(html.contains("<dt>hit rate</dt><dd>n/a</dd>"));
    }

    @Test
    void theStaleWindowChartPointsAtTheViolationsWhenThereAreSome() throws Exception {
        List<?> specs = chartData(readHtml(SampleReports.racy()));
        assertEquals("No exposure windows; the checker's 2 violations are grouped below",
                ((Map<?, ?>) specs.get(2)).get("empty"));
    }

    @Test
    void theHeadlineStatesTheQuestionTheExpectedAnswerAndWhetherThisRunBearsItOut() throws IOException {
        SimulationReport r = SampleReports.racy().withAnswer(new SimulationReport.Answer("no device reaches a page "
                + "after unmap", false, List.of(new SimulationReport.ClaimResult("violations is none", "2", false))));
        String html = readHtml(r);
        String header = html.substring(html.indexOf("<header>"), html.indexOf("</header>"));
        assertTrue(header.contains("Can a device still reach a page after lazy unmap returns?"), header);
        assertTrue(header.contains("<p class=\"headline fail\" id=\"headline\">Expected: no device reaches a page "
                + "after unmap \u2014 NOT borne out by this run</p>"), header);
        String borne = readHtml(r.withAnswer(new SimulationReport.Answer("it does", true, List.of())));
        assertTrue(borne.contains("<p class=\"headline pass\" id=\"headline\">Expected: it does \u2014 borne out by "
                + "this run</p>"));
        assertFalse(readHtml(SampleReports.racy()).contains("id=\"headline\""), "no expected answer, no headline");
    }

    @Test
    void theSameReportGivesTheSameBytes() throws IOException {
        ReportFiles a = ReportWriter.write(SampleReports.racy(), tmp.resolve("a"));
        ReportFiles b = ReportWriter.write(SampleReports.racy(), tmp.resolve("b"));
        assertEquals(Files.readString(a.json()), Files.readString(b.json()));
        assertEquals(Files.readString(a.html()), Files.readString(b.html()));
    }

    private Object readJson(SimulationReport r) throws IOException {
        return MiniJson.parse(Files.readString(ReportWriter.write(r, tmp.resolve("json")).json()));
    }

    private String readHtml(SimulationReport r) throws IOException {
        return Files.readString(ReportWriter.write(r, tmp.resolve("html")).html());
    }

    /** The page's chart specs, as its script reads them. */
    static List<?> chartData(String html) {
        Matcher m = Pattern.compile("<script type=\"application/json\" id=\"chart-data\">(.*?)</script>",
                Pattern.DOTALL).matcher(html);
        assertTrue(m.find(), "no chart data");
        return (List<?>) MiniJson.parse(m.group(1));
    }

    private static int count(String text, String part) {
        int n = 0;
        for (int i = text.indexOf(part); i >= 0; i = text.indexOf(part, i + 1)) {
            n++;
        }
        return n;
    }

    /** R point 5: the page carries the timing model's figures: the CMD_SYNC distribution and per-level latency. */
    @Test
    void thePageShowsTheTimingModelsDistributions() throws Exception {
        String html = readHtml(SampleReports.racy());
        assertTrue(html.contains("<table id=\"timing-levels\">"), "per device and level");
        assertTrue(html.contains("<td>nic0</td><td>walk</td><td>10,000</td>"), "the walk row");
        assertTrue(html.contains("<table id=\"timing-unmaps\">") && html.contains("<td>16 pages</td><td>32</td>"));
        Map<?, ?> sync = (Map<?, ?>) chartData(html).get(CHART_IDS.indexOf(ReportPage.SYNC_LATENCY_ID));
        List<?> series = (List<?>) sync.get("series");
        assertEquals(3, ((List<?>) ((Map<?, ?>) series.get(0)).get("x")).size(), "one bar per bucket");
        String quiet = readHtml(SampleReports.quiet());
        assertFalse(quiet.contains("id=\"timing\""), "no timing section without figures");
    }
}
