package org.iommusim.simulations.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * report.html in a real browser: the page's own script counts the charts
 * that laid out with drawn marks, and a screenshot shows their pixels.
 * Needs Debian's chromium (.ci/run installs it); without it these tests fail.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ReportHtmlChromiumTest {
    private static final List<String> CHART_IDS = List.of(ReportPage.HIT_RATE_ID, ReportPage.LATENCY_ID,
            ReportPage.STALE_WINDOW_ID, ReportPage.QUEUE_OCCUPANCY_ID);
    /** The series colours of report.html's stylesheet: blue lines and bars, red stale-window bars. */
    private static final int BLUE = 0x1f6feb;
    private static final int RED = 0xcf222e;

    private Path tmp;
    private HeadlessChromium chromium;

    @BeforeAll
    void findChromium(@TempDir Path dir) {
        tmp = dir;
        chromium = HeadlessChromium.find(dir);
    }

    @Test
    void allFourChartsRenderWithMarks() throws Exception {
        String dom = chromium.dumpDom(write(SampleReports.racy(), "racy"));
        assertTrue(dom.contains("data-charts-rendered=\"4\""), "charts rendered: " + attr(dom, "body", "data-charts-rendered"));
        for (String id : CHART_IDS) {
            assertTrue(dom.contains("id=\"" + id + "\""), id);
            assertTrue(Integer.parseInt(chartAttr(dom, id, "data-marks")) > 5, id + " has few drawn marks");
        }
        assertTrue(dom.contains("<code>iommu-sim trace --journal /tmp/run-42 --sid 17 --iova 0xffff800012345000</code>"));
    }

    @Test
    void emptyChartsStillRender() throws Exception {
        String dom = chromium.dumpDom(write(SampleReports.quiet(), "quiet"));
        assertTrue(dom.contains("data-charts-rendered=\"4\""), "charts rendered: " + attr(dom, "body", "data-charts-rendered"));
        assertTrue(dom.contains(">No exposure windows</text>"));
    }

    @Test
    void screenshotShowsEachChartsDataInItsBox() throws Exception {
        Path page = write(SampleReports.racy(), "shot");
        String dom = chromium.dumpDom(page);
        BufferedImage png = ImageIO.read(chromium.screenshot(page).toFile());
        assertNotNull(png, "the screenshot is not a PNG");
        assertEquals(HeadlessChromium.WIDTH, png.getWidth());
        assertEquals(HeadlessChromium.HEIGHT, png.getHeight());
        for (String id : CHART_IDS) {
            int[] box = box(chartAttr(dom, id, "data-box"));
            assertTrue(box[0] >= 0 && box[1] >= 0 && box[0] + box[2] <= png.getWidth()
                    && box[1] + box[3] <= png.getHeight(), id + " lies outside the screenshot: " + List.of(box));
            int colour = id.equals(ReportPage.STALE_WINDOW_ID) ? RED : BLUE;
            int series = countNear(png, box, colour);
            // a 1.5 px line across the plot is ~500 px of its colour; bars are thousands
            assertTrue(series > 300, id + ": only " + series + " pixels of its series colour");
        }
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
        Matcher m = Pattern.compile("<svg [^>]*id=\"" + id + "\"[^>]*>").matcher(dom);
        assertTrue(m.find(), "no chart " + id + " in the DOM");
        return attrOf(m.group(), name, id);
    }

    private static String attr(String dom, String tag, String name) {
        Matcher m = Pattern.compile("<" + tag + "[ >][^>]*").matcher(dom);
        return m.find() ? attrOf(m.group(), name, tag) : "no <" + tag + ">";
    }

    private static String attrOf(String element, String name, String where) {
        Matcher a = Pattern.compile(" " + name + "=\"([^\"]*)\"").matcher(element);
        assertTrue(a.find(), "no " + name + " on " + where + ": the page's load script did not run");
        return a.group(1);
    }
}
