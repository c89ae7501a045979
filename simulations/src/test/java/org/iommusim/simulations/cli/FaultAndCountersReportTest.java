package org.iommusim.simulations.cli;

import org.iommusim.simulations.testing.ShippedScenarios;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Injected faults say whether they fired and what they hit (a warning when
 * one never did), and the summary, the per-device lines, report.json and
 * report.html count stale uses and violations the same way.
 */
class FaultAndCountersReportTest {

    private static Path scenario(String name) {
        return ShippedScenarios.file(name);
    }

    @Test
    void aFaultThatNeverFiredIsAWarningAndOneThatDidNamesWhatItHit(@TempDir Path out) throws Exception {
        CliRunner r = CliRunner.run("simulate", scenario("quickstart.conf").toString(), "--set",
                "faults = [{kind = drop-tlbi, nth = 100000}, {kind = drop-tlbi, nth = 3}]", "--set",
                "length.operations = 400", "--out", out.toString(), "--quiet");
        assertEquals(0, r.exitCode(), r.err());
        assertTrue(r.out().contains("WARNING     injected fault drop-tlbi nth=100000 never fired"), r.out());
        assertTrue(r.out().contains("fault       drop-tlbi nth=3 hit its TLBIs (TLBI_NH_VA) left out of the "
                + "invalidation of IOVA 0x"), r.out());
        String json = Files.readString(out.resolve("report.json"));
        assertTrue(json.contains("{\"kind\": \"drop-tlbi\", \"nth\": 100000, \"fired\": false, "), json);
        assertTrue(json.contains("{\"kind\": \"drop-tlbi\", \"nth\": 3, \"fired\": true, "), json);
        assertTrue(json.contains("\"warnings\": [\"injected fault drop-tlbi nth=100000 never fired"), json);
    }

    @Test
    void everyReportCountsStaleUsesAndViolationsTheSameWay(@TempDir Path out) throws Exception {
        // lazy, so permitted stale uses happen, and a dropped TLBI, so violations do too
        CliRunner r = CliRunner.run("simulate", scenario("strict-vs-lazy.conf").toString(), "--set",
                "faults = [{kind = drop-tlbi, nth = 5}]", "--set", "length.operations = 3000", "--out",
                out.toString(), "--quiet");
        assertEquals(0, r.exitCode(), r.err());
        String json = Files.readString(out.resolve("report.json"));
        long uses = number(json, "\"staleUses\": (\\d+),\\s*\"staleUsesAfterSync\"");
        long violations = number(json, "\"violationCount\": (\\d+)");
        assertTrue(uses > 0 && violations > 0, json.substring(0, 600));
        assertEquals(uses, number(json, "\"distribution\": \\[[^\\]]*\\],\\s*\"maxUnmapsBehind\": \\d+,\\s*\"staleUses\": (\\d+)"),
                "staleWindow.staleUses is the checker's");
        assertEquals(uses, sum(json, "\"staleUses\": (\\d+), \"faults\""), "the devices' stale uses add up");
        assertEquals(violations, sum(json, "\"violations\": (\\d+)\\}"), "the devices' violations add up");
        assertTrue(r.out().contains(String.format("stale       %,d stale uses", uses)), r.out());
        assertTrue(r.out().contains(String.format("%,d VIOLATION", violations)), r.out());
        assertEquals(uses, sum(r.out(), "([\\d,]+) stale uses, [\\d,]+ faults"), "the per-device lines add up");
        assertEquals(violations, sum(r.out(), "faults, ([\\d,]+) violations"), "the per-device lines add up");
        String html = Files.readString(out.resolve("report.html"));
        Matcher card = Pattern.compile("id=\"figures-stale-window\">.*?<dt>stale uses</dt><dd>([\\d,]+)</dd>",
                Pattern.DOTALL).matcher(html);
        assertTrue(card.find(), "the HTML's exposure card lists the stale uses");
        assertEquals(uses, Long.parseLong(card.group(1).replace(",", "")));
        assertEquals(uses, sum(html, "<dt>stale uses</dt><dd>([\\d,]+)</dd>\n<dt>faults"), "the device cards add up");
        assertEquals(violations, sum(html, "<dt>violations</dt><dd>([\\d,]+)</dd>"), "the device cards add up");
    }

    private static long number(String text, String regex) {
        Matcher m = Pattern.compile(regex, Pattern.DOTALL).matcher(text);
        assertTrue(m.find(), regex);
        return Long.parseLong(m.group(1).replace(",", ""));
    }

    private static long sum(String text, String regex) {
        Matcher m = Pattern.compile(regex).matcher(text);
        long n = 0;
        while (m.find()) {
            n += Long.parseLong(m.group(1).replace(",", ""));
        }
        return n;
    }
}
