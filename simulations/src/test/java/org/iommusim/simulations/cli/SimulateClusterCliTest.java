package org.iommusim.simulations.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.iommusim.simulations.testing.ShippedScenarios;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code simulate --cluster CONF}: a run on an H2 journal through the command
 * line, whose folder {@code verify} accepts; and everything a cluster run
 * cannot do refused with exit 2 and one line naming why, before any folder is
 * made.
 */
class SimulateClusterCliTest {
    private static final String QUICKSTART = ShippedScenarios.file("quickstart.conf").toString();

    private static Path conf(Path dir, String name, String journal) throws IOException {
        return Files.writeString(dir.resolve(name), "iommu-sim.cluster.journal = \"" + journal + "\"\n"
                + "iommu-sim.cluster.jdbc { user = sa, password = \"\" }\n");
    }

    private static CliRunner simulate(Path out, String scenario, String... extra) {
        List<String> args = new ArrayList<>(List.of("simulate", scenario, "--set", "length.operations=300", "--out",
                out.toString(), "--quiet"));
        args.addAll(List.of(extra));
        return CliRunner.run(args.toArray(String[]::new));
    }

    @Test
    void aClusterRunReportsWhereItsSmmusRanAndItsFolderVerifies(@TempDir Path dir) throws IOException {
        Path conf = conf(dir, "h2.conf", "jdbc:h2:mem:simulate-cluster-cli;DB_CLOSE_DELAY=-1");
        CliRunner r = simulate(dir.resolve("run"), QUICKSTART, "--cluster", conf.toString(), "--nodes", "1");
        assertEquals(0, r.exitCode(), r.out() + r.err());
        assertTrue(r.out().contains("concurrent, cluster of 1 node on jdbc:h2:mem:simulate-cluster-cli"), r.out());
        assertTrue(r.out().contains("cluster     cluster of 1 node: smmu-0 on node 0"), r.out());
        // threaded: its clock is real time, and translation latency is not modelled
        assertTrue(r.out().contains(" ms of real time, "), r.out());
        assertTrue(r.out().contains("latency     not modelled in a threaded run"), r.out());
        assertTrue(Files.readString(dir.resolve("run/report.json")).contains("\"mode\": \"concurrent, cluster of 1 node\""));
        CliRunner verify = CliRunner.run("verify", "--journal", dir.resolve("run").toString());
        assertEquals(0, verify.exitCode(), verify.out() + verify.err());

        // the journal now holds that run: another is refused unless --force empties it
        CliRunner again = simulate(dir.resolve("again"), QUICKSTART, "--cluster", conf.toString(), "--nodes", "1");
        refused(again, dir.resolve("again"), "holds", "events of an earlier run", "--force");

        // --force with an output folder that cannot be claimed: refused before the earlier run's rows are emptied
        Path file = Files.writeString(dir.resolve("a-file"), "not a folder");
        CliRunner blocked = simulate(file, QUICKSTART, "--cluster", conf.toString(), "--nodes", "1", "--force");
        assertEquals(2, blocked.exitCode(), blocked.out() + blocked.err());
        assertEquals("not a folder", Files.readString(file));
        refused(simulate(dir.resolve("again"), QUICKSTART, "--cluster", conf.toString(), "--nodes", "1"),
                dir.resolve("again"), "events of an earlier run");

        // with a usable folder --force empties them and the new run's folder verifies on its own
        CliRunner forced = simulate(dir.resolve("forced"), QUICKSTART, "--cluster", conf.toString(), "--nodes", "1",
                "--force");
        assertEquals(0, forced.exitCode(), forced.out() + forced.err());
        CliRunner verified = CliRunner.run("verify", "--journal", dir.resolve("forced").toString());
        assertEquals(0, verified.exitCode(), verified.out() + verified.err());
    }

    @Test
    void whatAClusterRunCannotDoIsRefusedWithOneLine(@TempDir Path dir) throws IOException {
        Path conf = conf(dir, "h2.conf", "jdbc:h2:mem:simulate-cluster-refused;DB_CLOSE_DELAY=-1");
        String c = conf.toString();
        Path out = dir.resolve("out");
        refused(simulate(out, QUICKSTART, "--nodes", "2"), out, "--nodes", "--cluster CONF");
        refused(simulate(out, QUICKSTART, "--cluster", c, "--interleave", "3"), out, "--interleave", "threaded");
        refused(simulate(out, QUICKSTART, "--cluster", c, "--timeline", dir.resolve("t.json").toString()), out,
                "--timeline", "real time");
        refused(simulate(out, QUICKSTART, "--cluster", c, "--sweep", "driver.strategy=strict,lazy"), out, "--sweep");
        refused(simulate(out, QUICKSTART, "--cluster", c, "--nodes", "0"), out, "--nodes must be 1 to");
        refused(simulate(out, QUICKSTART, "--cluster", dir.resolve("missing.conf").toString()), out,
                "missing.conf is not a file");
        Path bad = Files.writeString(dir.resolve("bad.conf"), "iommu-sim.cluster { journal = ");
        refused(simulate(out, QUICKSTART, "--cluster", bad.toString()), out, "cluster configuration", "bad.conf");
        Path down = conf(dir, "down.conf", "jdbc:postgresql://127.0.0.1:1/nowhere");
        refused(simulate(out, QUICKSTART, "--cluster", down.toString()), out, "down.conf",
                "jdbc:postgresql://127.0.0.1:1/nowhere");

        String quickstart = Files.readString(Path.of(QUICKSTART));
        Path crash = Files.writeString(dir.resolve("crash.conf"), quickstart.replaceFirst("(?s)\\}\\s*$",
                "faults = [ { kind = crash, nth = 100 } ]\n}\n"));
        refused(simulate(out, crash.toString(), "--cluster", c), out, "cannot run on a cluster", "CRASH");
        Path shared = Files.writeString(dir.resolve("shared.conf"), """
                scenario {
                  name = shared
                  question = "one domain behind two SMMUs"
                  seed = 1
                  length { operations = 100 }
                  smmus = [ { id = 0 }, { id = 1 } ]
                  domains = [ { id = 1, smmu = 0, stage = stage1, granule = 4K, ias = 48, oas = 48, asid = 1 } ]
                  streams = [ { smmu = 0, sid = 16, config = stage1, domain = 1 },
                              { smmu = 1, sid = 17, config = stage1, domain = 1 } ]
                  driver { strategy = strict }
                  devices = [ { name = a, stream = 16, workload { kind = random, window = 64K } },
                              { name = b, stream = 17, workload { kind = random, window = 64K } } ]
                }
                """);
        // the scenario loader refuses a shared domain for every run; ClusterSimulationTest refuses one built in code
        refused(simulate(out, shared.toString(), "--cluster", c), out, "domain 1 is on SMMU 0",
                "not on the stream's SMMU 1");
    }

    private static void refused(CliRunner r, Path out, String... says) {
        assertEquals(2, r.exitCode(), r.out() + r.err());
        String line = r.err().strip();
        assertEquals(1, line.lines().count(), "one line: " + line);
        for (String s : says) {
            assertTrue(line.contains(s), "'" + s + "' in: " + line);
        }
        assertFalse(Files.exists(out), "nothing made: " + out);
    }
}
