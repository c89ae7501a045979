package org.iommusim.simulations.cli;

import org.iommusim.simulations.testing.ShippedScenarios;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.iommusim.simulations.report.MiniJsonAccess;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code simulate --sweep}: one run per combination, each a full run folder,
 * and one comparison (JSON and HTML) with every variant's figures side by
 * side and its expected answer judged; bad sweeps are refused before any run.
 */
class SimulateSweepTest {

    private static Path scenario(String name) {
        return ShippedScenarios.file(name);
    }

    @Test
    void aGridOfTwoKeysRunsEveryCombinationAndComparesThem(@TempDir Path tmp) throws Exception {
        Path out = tmp.resolve("sweep");
        CliRunner r = CliRunner.run("simulate", scenario("strict-vs-lazy.conf").toString(), "--set",
                "length.virtual-time=5ms", "--sweep", "driver.strategy=strict,lazy", "--sweep",
                "driver.invalidation=range,asid", "--out", out.toString(), "--quiet");
        assertEquals(0, r.exitCode(), r.err() + r.out());
        List<String> labels = List.of("driver.strategy=strict,driver.invalidation=range",
                "driver.strategy=strict,driver.invalidation=asid", "driver.strategy=lazy,driver.invalidation=range",
                "driver.strategy=lazy,driver.invalidation=asid");
        for (String l : labels) {
            assertTrue(Files.isRegularFile(out.resolve(l).resolve("report.json")), l);
            assertTrue(Files.isDirectory(out.resolve(l).resolve("journal")), l);
        }
        Object root = MiniJsonAccess.parse(Files.readString(out.resolve("comparison.json")));
        assertEquals("strict-vs-lazy", MiniJsonAccess.at(root, "scenario"));
        assertEquals(List.of("driver.strategy", "driver.invalidation"), MiniJsonAccess.at(root, "sweep"));
        List<?> variants = (List<?>) MiniJsonAccess.at(root, "variants");
        assertEquals(labels, variants.stream().map(v -> ((Map<?, ?>) v).get("label")).toList());
        Map<?, ?> strict = (Map<?, ?>) variants.get(0);
        Map<?, ?> lazy = (Map<?, ?>) variants.get(2);
        assertEquals("strict", ((Map<?, ?>) strict.get("settings")).get("driver.strategy"));
        // each variant's figures are its own run's: strict waits for a CMD_SYNC per unmap, lazy batches them
        String strictReport = Files.readString(out.resolve(labels.get(0)).resolve("report.json"));
        assertEquals(MiniJsonAccess.at(MiniJsonAccess.parse(strictReport), "commands.syncs").toString() + ".0",
                MiniJsonAccess.at(strict, "figures.syncs").toString());
        assertTrue(((BigDecimal) MiniJsonAccess.at(strict, "figures.syncs")).compareTo(
                (BigDecimal) MiniJsonAccess.at(lazy, "figures.syncs")) > 0, "strict syncs more than lazy");
        assertEquals(Boolean.FALSE, MiniJsonAccess.at(strict, "answer.borneOut"), "the lazy claims fail under strict");
        assertEquals(Boolean.TRUE, MiniJsonAccess.at(lazy, "answer.borneOut"), "the scenario's own setting bears it out");
        assertNotEquals(strict.get("eventDigest"), lazy.get("eventDigest"));

        String html = Files.readString(out.resolve("comparison.html"));
        assertTrue(html.contains("<table id=\"comparison-table\">"));
        for (String l : labels) {
            assertTrue(html.contains(">" + l + "</a></th>"), "a column per variant: " + l);
        }
        assertTrue(html.contains("<tr data-figure=\"syncs\"><td>CMD_SYNCs</td>"), "a row per figure");
        long borne = variants.stream().filter(v -> Boolean.TRUE.equals(MiniJsonAccess.at(v, "answer.borneOut"))).count();
        assertTrue(html.contains("borne out by " + borne + " of 4 variants"), html.substring(0, 3000));
        assertTrue(r.out().contains("comparison  " + out.resolve("comparison.html")), r.out());

        // the same comparison of finished runs: compare reads their report.json back
        Path again = tmp.resolve("compare");
        CliRunner c = CliRunner.run("compare", out.resolve(labels.get(0)).toString(),
                out.resolve(labels.get(2)).resolve("report.json").toString(), "--out", again.toString());
        assertEquals(0, c.exitCode(), c.err());
        List<?> compared = (List<?>) MiniJsonAccess.at(MiniJsonAccess.parse(
                Files.readString(again.resolve("comparison.json"))), "variants");
        assertEquals(List.of(labels.get(0), labels.get(2)), compared.stream().map(v -> ((Map<?, ?>) v).get("label"))
                .toList());
        assertEquals(strict.get("figures"), ((Map<?, ?>) compared.get(0)).get("figures"));
        assertEquals(lazy.get("figures"), ((Map<?, ?>) compared.get(1)).get("figures"));
        assertEquals(lazy.get("answer"), ((Map<?, ?>) compared.get(1)).get("answer"));
        assertTrue(Files.readString(again.resolve("comparison.html")).contains("<table id=\"comparison-table\">"));
        CliRunner none = CliRunner.run("compare", out.resolve(labels.get(0)).toString(), tmp.toString());
        assertEquals(2, none.exitCode(), none.out());
        assertEquals("compare: no report.json in " + tmp + ": give the folders of finished runs", none.err().strip());
    }

    @Test
    void badSweepsAreRefusedBeforeAnyRun(@TempDir Path tmp) {
        for (String[] bad : new String[][] {{"driver.strategy"}, {"driver.strategy=strict,,lazy"},
                {"driver.strategy=strict,strict"}, {"driver.strategy=strict,sideways"},
                {"driver.strategy=strict", "driver.strategy=lazy"}}) {
            Path out = tmp.resolve("bad" + bad.length + bad[0].length());
            String[] args = new String[4 + 2 * bad.length];
            args[0] = "simulate";
            args[1] = scenario("strict-vs-lazy.conf").toString();
            args[2] = "--out";
            args[3] = out.toString();
            for (int i = 0; i < bad.length; i++) {
                args[4 + 2 * i] = "--sweep";
                args[5 + 2 * i] = bad[i];
            }
            CliRunner r = CliRunner.run(args);
            assertEquals(2, r.exitCode(), String.join(" ", bad) + ": " + r.out() + r.err());
            assertEquals(1, r.err().strip().lines().count(), "one line: " + r.err());
            assertFalse(Files.exists(out), "nothing ran for " + String.join(" ", bad));
        }
    }
}
