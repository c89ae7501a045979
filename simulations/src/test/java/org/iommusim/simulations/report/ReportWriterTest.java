package org.iommusim.simulations.report;

import static org.iommusim.simulations.report.MiniJson.at;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
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
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Document;

/** report.json's contract and report.html's structure, without a browser. */
class ReportWriterTest {
    private static final List<String> TOP_LEVEL_KEYS = List.of("scenario", "file", "question", "answer", "seed", "mode",
            "eventDigest", "checker", "iotlb", "tcu", "devices", "latency", "staleWindow", "commands", "hitRateOverTime",
            "queueOccupancy", "journalDir", "run");
    private static final List<String> CHART_IDS = List.of(ReportPage.HIT_RATE_ID, ReportPage.LATENCY_ID,
            ReportPage.STALE_WINDOW_ID, ReportPage.QUEUE_OCCUPANCY_ID);

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
        assertEquals(List.of("count", "maxNs", "meanNs", "distribution"),
                new ArrayList<>(((Map<?, ?>) root.get("staleWindow")).keySet()));
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
                        r.run().virtualNanos(), 99.5), r.devices());
        assertEquals(ReportWriter.json(r), ReportWriter.json(elsewhere));
        SimulationReport otherSeed = new SimulationReport(r.scenario(), r.file(), r.question(), r.seed() + 1,
                r.mode(), r.eventDigest(), r.checker(), r.iotlb(), r.latency(), r.staleWindow(), r.commands(),
                r.hitRate(), r.queueOccupancy(), r.journalDir(), r.run(), r.devices());
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
    void htmlHasTheFourChartsAndNoNetworkReferences() throws IOException {
        String html = readHtml(SampleReports.racy());
        for (String id : CHART_IDS) {
            assertTrue(html.contains("<svg id=\"" + id + "\" class=\"chart\""), id);
        }
        for (String forbidden : List.of("http://", "https://", "<script src", "<link", "@import", "url(")) {
            assertFalse(html.contains(forbidden), forbidden);
        }
        assertTrue(html.contains("data-charts-rendered"));
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
        assertTrue(html.contains("Listed below: 2 of 5,266 violations, the first of each rule (per rule: "
                + "iova-reused-before-flush 1, stale-after-sync 5,265)."), html);
        Object root = readJson(cut);
        assertEquals(new BigDecimal(5_266), at(root, "checker.violationCount"));
        assertEquals(new BigDecimal(5_265), at(root, "checker.violationsByRule.stale-after-sync"));
        assertEquals(new BigDecimal(2), at(root, "checker.examplesKept"));
        assertFalse(readHtml(r).contains("Listed below"), "a complete list says nothing");
    }

    @Test
    void everyChartIsWellFormedSvgWithAxesTicksAndATitle() throws Exception {
        for (String svg : svgs(readHtml(SampleReports.racy()))) {
            Document doc = parseXml(svg);
            assertEquals(1, count(doc, "path", "axis"), svg);
            assertTrue(count(doc, "text", "tick") >= 4, "tick labels: " + svg);
            assertEquals(1, count(doc, "text", "title"));
        }
    }

    @Test
    void linesHaveOneVertexPerPointAndBarsOneRectPerNonEmptyBucket() throws Exception {
        List<String> svgs = svgs(readHtml(SampleReports.racy()));
        for (int i : new int[] {0, 3}) {
            String d = seriesPath(svgs.get(i));
            assertEquals(300, d.split("[ML]").length - 1, CHART_IDS.get(i));
        }
        assertEquals(11, count(parseXml(svgs.get(1)), "rect", "bar"), "latency buckets with a count");
        assertEquals(6, count(parseXml(svgs.get(2)), "rect", "bar"), "stale-window buckets with a count");
    }

    @Test
    void aRunThatSawNothingStillDrawsFourChartsWithEmptyStates() throws Exception {
        String html = readHtml(SampleReports.quiet());
        List<String> svgs = svgs(html);
        assertEquals(4, svgs.size());
        for (String svg : svgs) {
            Document doc = parseXml(svg);
            assertEquals(1, count(doc, "path", "axis"), "axes are drawn even with no data");
            assertEquals(1, count(doc, "text", "empty"), svg);
        }
        assertTrue(svgs.get(2).contains(">No stale windows</text>"));
        assertTrue(html.contains("class=\"verdict pass\""));
        assertTrue(html.contains("Checker: no violations"));
        assertFalse(html.contains("id=\"violations\""));
        assertTrue(html.contains("<dt>hit rate</dt><dd>n/a</dd>"));
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

    static List<String> svgs(String html) {
        List<String> out = new ArrayList<>();
        Matcher m = Pattern.compile("<svg .*?</svg>", Pattern.DOTALL).matcher(html);
        while (m.find()) {
            out.add(m.group());
        }
        return out;
    }

    private static String seriesPath(String svg) {
        Matcher m = Pattern.compile("<path class=\"series\" d=\"([^\"]*)\"").matcher(svg);
        assertTrue(m.find(), "no series path");
        return m.group(1);
    }

    private static Document parseXml(String svg) throws Exception {
        return DocumentBuilderFactory.newInstance().newDocumentBuilder()
                .parse(new ByteArrayInputStream(svg.getBytes(StandardCharsets.UTF_8)));
    }

    private static int count(Document doc, String tag, String cssClass) {
        int n = 0;
        var nodes = doc.getElementsByTagName(tag);
        for (int i = 0; i < nodes.getLength(); i++) {
            if (cssClass.equals(((org.w3c.dom.Element) nodes.item(i)).getAttribute("class"))) {
                n++;
            }
        }
        return n;
    }
}
