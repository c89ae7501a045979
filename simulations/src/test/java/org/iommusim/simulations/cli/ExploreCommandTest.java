package org.iommusim.simulations.cli;

import org.iommusim.simulations.testing.ShippedScenarios;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code iommu-sim explore}: one run per seed, a table of what each found, the commands for the first failure. */
class ExploreCommandTest {

    private static Path scenario(String name) {
        return ShippedScenarios.file(name);
    }

    @Test
    void tablesEverySeedAndNamesTheFirstFailureWithCommandsThatReproduceIt(@TempDir Path tmp) throws Exception {
        Path out = tmp.resolve("explore");
        CliRunner r = CliRunner.run("explore", scenario("missing-tlbi.conf").toString(), "--seeds", "3..5", "--set",
                "length.operations=600", "--out", out.toString(), "--quiet", "--no-shrink");
        assertEquals(0, r.exitCode(), r.err());
        for (int seed = 3; seed <= 5; seed++) {
            assertTrue(Pattern.compile("(?m)^\\s+" + seed + "\\s+[1-9]\\d*\\s+\\d+\\s+\\d+\\s+STALE_AFTER_SYNC 1")
                    .matcher(r.out()).find(), "seed " + seed + " caught: " + r.out());
            assertTrue(Files.isRegularFile(out.resolve("seed-" + seed).resolve("report.json")));
        }
        assertTrue(r.out().contains("found       violations in 3 of 3 seeds"), r.out());
        assertTrue(r.out().contains("first       seed 3: STALE_AFTER_SYNC: "), r.out());
        Matcher rerun = Pattern.compile("(?m)^rerun       \\./iommu-sim (simulate .*)$").matcher(r.out());
        assertTrue(rerun.find(), r.out());
        assertTrue(r.out().contains("trace       ./iommu-sim trace --journal " + out.resolve("seed-3").resolve("journal")),
                r.out());

        // the printed command reproduces seed 3's finding exactly
        String[] words = rerun.group(1).split(" ");
        String[] args = new String[words.length + 3];
        System.arraycopy(words, 0, args, 0, words.length);
        args[words.length] = "--out";
        args[words.length + 1] = tmp.resolve("again").toString();
        args[words.length + 2] = "--quiet";
        CliRunner again = CliRunner.run(args);
        assertEquals(0, again.exitCode(), again.err());
        String first = Files.readString(out.resolve("seed-3").resolve("report.json"));
        String second = Files.readString(tmp.resolve("again").resolve("report.json"));
        assertEquals(digest(first), digest(second), "the same run, event for event");
        assertTrue(second.contains("\"STALE_AFTER_SYNC\": 1"), second.substring(0, 1500));
    }

    @Test
    void theFirstFailureShrinksToAShortReproducerThatSimulateRunsTheSameWay(@TempDir Path tmp) throws Exception {
        Path out = tmp.resolve("explore");
        CliRunner r = CliRunner.run("explore", scenario("missing-tlbi.conf").toString(), "--seeds", "7..7", "--set",
                "length.operations=3000", "--out", out.toString(), "--quiet");
        assertEquals(0, r.exitCode(), r.err());
        Matcher shrunk = Pattern.compile("(?m)^shrunk      to (\\d+) operations? and (\\d+) devices? \\((\\d+) runs\\), "
                + "still STALE_AFTER_SYNC: (.*)$").matcher(r.out());
        assertTrue(shrunk.find(), r.out());
        long operations = Long.parseLong(shrunk.group(1));
        assertTrue(operations >= 1 && operations <= 20, "at most 20 operations: " + operations);
        Path file = Paths.get(shrunk.group(4));
        assertEquals(out.resolve("shrunk.conf"), file);
        assertTrue(Files.isDirectory(out.resolve("shrunk").resolve("journal")), "its journal is kept beside it");
        assertTrue(Files.notExists(out.resolve(".shrink")), "the candidates' scratch runs are gone");
        assertTrue(r.out().contains("reproduce   ./iommu-sim simulate " + file), r.out());

        CliRunner again = CliRunner.run("simulate", file.toString(), "--out", tmp.resolve("again").toString(),
                "--quiet");
        assertEquals(0, again.exitCode(), again.err());
        assertTrue(again.out().contains("ran         " + operations + " operation"), again.out());
        assertTrue(again.out().contains("STALE_AFTER_SYNC: "), again.out());
        assertTrue(again.out().contains("the TLBI for it was never sent"), again.out());
        assertTrue(again.out().contains("answer      borne out by this run"), again.out());
    }

    private static String digest(String json) {
        Matcher m = Pattern.compile("\"eventDigest\": \"([0-9a-f]+)\"").matcher(json);
        assertTrue(m.find());
        return m.group(1);
    }

    @Test
    void jsonGivesTheSameTableForScripts(@TempDir Path tmp) throws Exception {
        CliRunner r = CliRunner.run("explore", scenario("quickstart.conf").toString(), "--seeds", "1..2", "--set",
                "length.operations=300", "--out", tmp.resolve("q").toString(), "--json", "--quiet");
        assertEquals(0, r.exitCode(), r.err());
        assertTrue(r.out().startsWith("{\n  \"scenario\": \"quickstart\""), r.out());
        assertTrue(r.out().contains("{\"seed\": 1, \"violationCount\": 0, \"violationsByRule\": {}, \"staleUses\": 0"),
                r.out());
        assertTrue(r.out().contains("{\"seed\": 2, "), r.out());
        assertTrue(r.out().contains("\"firstFailing\": null"), r.out());
    }

    @Test
    void aBadSeedRangeIsRefusedInOneLine(@TempDir Path tmp) {
        for (String bad : new String[] {"5..2", "x", "1..", "-1..3"}) {
            CliRunner r = CliRunner.run("explore", scenario("quickstart.conf").toString(), "--seeds", bad, "--out",
                    tmp.resolve("n").toString(), "--quiet");
            assertEquals(2, r.exitCode(), bad + ": " + r.out());
            assertTrue(r.err().contains("--seeds"), r.err());
            assertEquals(1, r.err().strip().lines().count(), r.err());
        }
    }
}
