package org.iommusim.simulations.cli;

import org.iommusim.simulations.testing.ShippedScenarios;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The main job through the command line, on the shipped scenarios: the clean
 * one passes the checker, the one with an injected missing TLBI is flagged,
 * and the output folder holds the report and the journal.
 */
class SimulateCommandTest {

    private static Path scenario(String name) {
        return ShippedScenarios.file(name);
    }

    @Test
    void quickstartIsCleanAndWritesReportAndJournal(@TempDir Path out) throws Exception {
        // the shipped million operations, shortened here: the whole pipeline is what this checks
        CliRunner r = CliRunner.run("simulate", scenario("quickstart.conf").toString(), "--set",
                "length.operations=20000", "--out", out.toString(), "--quiet");
        assertEquals(0, r.exitCode(), r.err());
        assertTrue(r.out().contains("no violations"), r.out());
        String json = Files.readString(out.resolve("report.json"));
        for (String key : new String[] {"\"scenario\": \"quickstart\"", "\"seed\": 42", "\"eventDigest\"",
                "\"violationCount\": 0", "\"hits\"", "\"misses\"", "\"hitRate\"", "\"staleWindow\""}) {
            assertTrue(json.contains(key), key + " in report.json");
        }
        assertTrue(Files.isRegularFile(out.resolve("report.html")));
        assertTrue(Files.isDirectory(out.resolve("journal").resolve("journal")), "the LevelDB journal is under journal/");
    }

    @Test
    void theMissingTlbiScenarioIsFlaggedWithATraceCommand(@TempDir Path out) throws Exception {
        CliRunner r = CliRunner.run("simulate", scenario("missing-tlbi.conf").toString(), "--out", out.toString(),
                "--quiet");
        assertEquals(0, r.exitCode(), r.err());
        assertTrue(r.out().contains("1 VIOLATION") || r.out().contains("VIOLATIONS"), r.out());
        assertTrue(r.out().contains("the TLBI for it was never sent"), r.out());
        assertTrue(r.out().contains("replay: ./iommu-sim trace --journal " + out.resolve("journal")), r.out());
        String json = Files.readString(out.resolve("report.json"));
        assertTrue(json.contains("\"rule\": \"STALE_AFTER_SYNC\""), json.substring(0, Math.min(2000, json.length())));
    }

    @Test
    void setOverridesAScenarioKey(@TempDir Path out) throws Exception {
        CliRunner r = CliRunner.run("simulate", scenario("strict-vs-lazy.conf").toString(), "--set",
                "driver.strategy=strict", "--set", "length.operations=300", "--out", out.toString(), "--quiet");
        assertEquals(0, r.exitCode(), r.err());
        assertTrue(r.out().contains("ran         300 operations"), r.out());
        assertTrue(r.out().contains("0 stale uses"), "strict: no stale window\n" + r.out());
        CliRunner bad = CliRunner.run("simulate", scenario("quickstart.conf").toString(), "--set", "driver.strategy=eager",
                "--out", out.resolve("bad").toString(), "--quiet");
        assertEquals(2, bad.exitCode());
        assertTrue(bad.err().contains("driver.strategy: 'eager' is not one of strict, batched, lazy"), bad.err());
    }

    @Test
    void seedOverrideAndBadScenarioErrors(@TempDir Path dir) throws Exception {
        Path bad = Files.writeString(dir.resolve("bad.conf"), "scenario { name = x, question = q, length { operations = 5 },"
                + " smmus = [ { id = 0 } ], driver { strategy = eager } }\n");
        CliRunner r = CliRunner.run("simulate", bad.toString(), "--out", dir.resolve("o").toString(), "--quiet");
        assertEquals(2, r.exitCode());
        assertTrue(r.err().contains("bad.conf:1: driver.strategy: 'eager' is not one of strict, batched, lazy"), r.err());
        CliRunner missing = CliRunner.run("simulate", dir.resolve("nope.conf").toString());
        assertEquals(2, missing.exitCode());
        assertTrue(missing.err().contains("no scenario file"), missing.err());
    }

    /** An override set to null is checked like a null in the file (refused), not dropped in favour of the file's value. */
    @Test
    void aNullOverrideIsRefusedAsInTheFile(@TempDir Path dir) {
        CliRunner r = CliRunner.run("simulate", scenario("quickstart.conf").toString(), "--set", "seed=null",
                "--out", dir.resolve("o").toString(), "--quiet");
        assertEquals(2, r.exitCode(), r.out() + r.err());
        assertTrue(r.err().contains("override 'seed=null'") && r.err().contains("seed"), r.err());
        assertTrue(!Files.exists(dir.resolve("o/journal")), "nothing ran");
    }

    /** A command line picocli cannot parse is unusable input: one line, exit 2, not the usage text. */
    @Test
    void aBadCommandLineIsOneLine() {
        for (String[] args : List.of(new String[] {"simulate", "--no-such-option"},
                new String[] {"simulate", "--seed", "many"}, new String[] {"inspect"}, new String[] {})) {
            CliRunner r = CliRunner.run(args);
            assertEquals(2, r.exitCode(), String.join(" ", args) + ": " + r.err());
            assertEquals(1, r.err().strip().lines().count(), String.join(" ", args) + ": " + r.err());
            assertTrue(r.err().startsWith("iommu-sim"), r.err());
            assertTrue(r.err().contains("(usage: 'iommu-sim help"), r.err());
        }
    }
}
