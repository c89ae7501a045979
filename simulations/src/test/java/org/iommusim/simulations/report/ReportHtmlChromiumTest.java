package org.iommusim.simulations.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * report.html and comparison.html in a real browser: no console message, every
 * chart drawn by uPlot with data and both axes labelled with a unit (the
 * page's own script marks what it drew, read from the DOM dump), and a
 * screenshot whose pixels show each chart's series in its box. The
 * screenshots are kept under {@code target/report-screenshots/} for people to
 * look at. Needs Debian's chromium (.ci/run installs it); without it these
 * tests fail.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ReportHtmlChromiumTest {
    private static final List<String> CHART_IDS = List.of(ReportPage.HIT_RATE_ID, ReportPage.LATENCY_ID,
            ReportPage.STALE_WINDOW_ID, ReportPage.QUEUE_OCCUPANCY_ID, ReportPage.DEVICE_HIT_RATE_ID,
            ReportPage.DEVICE_EXPOSURE_ID, ReportPage.SYNC_LATENCY_ID);
    private static final int BLUE = 0x1f6feb;
    private static final int RED = 0xcf222e;
    private static final Pattern UNIT = Pattern.compile(".+ \\((ns|\u00b5s|ms|s|%|count|entries|[a-z., ]+)\\)");

    private Path tmp;
    private HeadlessChromium chromium;

    @BeforeAll
    void findChromium(@TempDir Path dir) {
        tmp = dir;
        chromium = HeadlessChromium.find(dir);
    }

    @Test
    void everyChartIsDrawnWithDataAndUnitsAndNothingIsLogged() throws Exception {
        String dom = chromium.dumpDom(write(SampleReports.racy(), "racy"));
        assertEquals(List.of(), chromium.console(), "the page wrote to the console");
        assertEquals("0", attr(dom, "html", "data-console-errors"), attrOr(dom, "html", "data-console-messages"));
        assertEquals("7", attr(dom, "body", "data-charts-rendered"));
        for (String id : CHART_IDS) {
            assertTrue(Integer.parseInt(chartAttr(dom, id, "data-points")) > 0, id + " has no data");
            assertTrue(Integer.parseInt(chartAttr(dom, id, "data-inked")) > 50, id + ": its series was not drawn");
            assertEquals("2", chartAttr(dom, id, "data-axis-labels"), id);
            assertTrue(UNIT.matcher(chartAttr(dom, id, "data-x-label")).matches(), id + " x axis has no unit");
            assertTrue(UNIT.matcher(chartAttr(dom, id, "data-y-label")).matches(), id + " y axis has no unit");
        }
        assertEquals("virtual time (ms)", chartAttr(dom, ReportPage.HIT_RATE_ID, "data-x-label"));
        assertEquals("hit rate (%)", chartAttr(dom, ReportPage.HIT_RATE_ID, "data-y-label"));
        assertEquals("2", chartAttr(dom, ReportPage.DEVICE_HIT_RATE_ID, "data-series"), "one series per device");
        assertTrue(dom.contains("<code>iommu-sim trace --journal /tmp/run-42 --sid 17 --iova 0xffff800012345000</code>"));
        assertTrue(dom.contains("u-legend"), "uPlot's legend shows values under the pointer");
    }

    @Test
    void emptyChartsStillDrawTheirAxesAndSaySo() throws Exception {
        String dom = chromium.dumpDom(write(SampleReports.quiet(), "quiet"));
        assertEquals(List.of(), chromium.console(), "the page wrote to the console");
        assertEquals("7", attr(dom, "body", "data-charts-rendered"));
        for (String id : CHART_IDS) {
            assertEquals("0", chartAttr(dom, id, "data-points"), id);
        }
        assertTrue(dom.contains("<div class=\"empty\">No exposure windows: no unmapped mapping stayed in a cache</div>"),
                "the empty exposure chart says why");
    }

    @Test
    void screenshotShowsEachChartsDataInItsBox() throws Exception {
        Path page = write(SampleReports.racy(), "shot");
        String dom = chromium.dumpDom(page);
        Path png = keep(chromium.screenshot(page), "report.png");
        check(png, dom, CHART_IDS);
    }

    @Test
    void theComparisonPageDrawsEveryVariant() throws Exception {
        Path page = ComparisonWriter.write(SampleReports.comparison(), tmp.resolve("compare")).html();
        String dom = chromium.dumpDom(page);
        assertEquals(List.of(), chromium.console(), "the page wrote to the console");
        assertEquals("0", attr(dom, "html", "data-console-errors"), attrOr(dom, "html", "data-console-messages"));
        List<String> ids = new ArrayList<>();
        for (String f : ComparisonPage.CHARTED) {
            ids.add(ComparisonPage.FIGURE_PREFIX + f);
        }
        ids.add(ComparisonPage.HIT_RATE_ID);
        ids.add(ComparisonPage.QUEUE_OCCUPANCY_ID);
        assertEquals(Integer.toString(ids.size()), attr(dom, "body", "data-charts-rendered"));
        for (String id : ids) {
            assertTrue(Integer.parseInt(chartAttr(dom, id, "data-points")) > 0, id + " has no data");
            assertTrue(UNIT.matcher(chartAttr(dom, id, "data-y-label")).matches(), id + " y axis has no unit");
        }
        assertEquals("2", chartAttr(dom, ComparisonPage.HIT_RATE_ID, "data-series"), "both variants overlaid");
        assertEquals("variant (driver.strategy)", chartAttr(dom, ComparisonPage.FIGURE_PREFIX + "syncs",
                "data-x-label"));
        Path png = keep(chromium.screenshot(page), "comparison.png");
        check(png, dom, List.of(ComparisonPage.HIT_RATE_ID, ComparisonPage.FIGURE_PREFIX + "syncs"));
    }

    /** Each chart lies in the screenshot and shows its series' colour there. */
    private static void check(Path file, String dom, List<String> ids) throws Exception {
        BufferedImage png = ImageIO.read(file.toFile());
        assertNotNull(png, "the screenshot is not a PNG");
        assertEquals(HeadlessChromium.WIDTH, png.getWidth());
        assertEquals(HeadlessChromium.HEIGHT, png.getHeight());
        for (String id : ids) {
            int[] box = box(chartAttr(dom, id, "data-box"));
            assertTrue(box[0] >= 0 && box[1] >= 0 && box[0] + box[2] <= png.getWidth()
                    && box[1] + box[3] <= png.getHeight(), id + " lies outside the screenshot: " + List.of(box));
            int colour = id.equals(ReportPage.STALE_WINDOW_ID) ? RED : BLUE;
            int series = countNear(png, box, colour);
            assertTrue(series > 300, id + ": only " + series + " pixels of its series colour");
        }
    }

    /** Keeps a screenshot under target/report-screenshots for people to look at. */
    private static Path keep(Path png, String name) throws Exception {
        Path dir = Path.of("target", "report-screenshots");
        Files.createDirectories(dir);
        return Files.copy(png, dir.resolve(name), StandardCopyOption.REPLACE_EXISTING);
    }

    private Path write(SimulationReport report, String name) throws Exception {
        return ReportWriter.write(report, tmp.resolve(name)).html();
    }

    private static int countNear(BufferedImage img, int[] box, int rgb) {
        int n = 0;
        for (int y = box[1]; y < box[1] + box[3]; y++) {
            for (int x = box[0]; x < box[0] + box[2]; x++) {
                int p = img.getRGB(x, y);
                int d = Math.abs(((p >> 16) & 255) - ((rgb >> 16) & 255)) + Math.abs(((p >> 8) & 255) - ((rgb >> 8) & 255))
                        + Math.abs((p & 255) - (rgb & 255));
                if (d < 60) {
                    n++;
                }
            }
        }
        return n;
    }

    private static int[] box(String text) {
        String[] parts = text.split(",");
        assertEquals(4, parts.length, "data-box " + text);
        int[] box = new int[4];
        for (int i = 0; i < 4; i++) {
            box[i] = Integer.parseInt(parts[i].trim());
        }
        return box;
    }

    private static String chartAttr(String dom, String id, String name) {
        Matcher m = Pattern.compile("<div class=\"chart\" id=\"" + id + "\"[^>]*>").matcher(dom);
        assertTrue(m.find(), "no chart " + id + " in the DOM");
        return attrOf(m.group(), name, id);
    }

    private static String attr(String dom, String tag, String name) {
        Matcher m = Pattern.compile("<" + tag + "[ >][^>]*").matcher(dom);
        assertTrue(m.find(), "no <" + tag + ">");
        return attrOf(m.group(), name, tag);
    }

    /** An attribute that may be absent (then ""). */
    private static String attrOr(String dom, String tag, String name) {
        Matcher m = Pattern.compile("<" + tag + "[ >][^>]*").matcher(dom);
        Matcher a = Pattern.compile(" " + name + "=\"([^\"]*)\"").matcher(m.find() ? m.group() : "");
        return a.find() ? a.group(1) : "";
    }

    private static String attrOf(String element, String name, String where) {
        Matcher a = Pattern.compile(" " + name + "=\"([^\"]*)\"").matcher(element);
        if (!a.find()) {
            assertFalse(true, "no " + name + " on " + where + ": the page's script did not run");
        }
        return a.group(1);
    }
}
