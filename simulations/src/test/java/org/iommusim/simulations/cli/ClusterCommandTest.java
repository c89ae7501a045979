package org.iommusim.simulations.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code iommu-sim cluster}: a one-node cluster on H2 driven end to end; bad files refused with one line. */
class ClusterCommandTest {
    @Test
    void aOneNodeClusterDrivesEverySmmuAndReplaysFromTheSqlJournal(@TempDir Path dir) throws Exception {
        Path conf = Files.writeString(dir.resolve("c.conf"), """
                iommu-sim.cluster { journal = "jdbc:h2:mem:cli;DB_CLOSE_DELAY=-1", smmus = 2 }
                pekko.remote.artery.canonical.port = 0
                pekko.cluster.seed-nodes = []
                """);
        CliRunner r = CliRunner.run("cluster", "--cluster", conf.toString(), "--drive", "12");
        assertEquals(0, r.exitCode(), r.out() + r.err());
        // 12 flips over 8 pages: pages 0-7 mapped, then 0-3 unmapped and invalidated (TLBI + CMD_SYNC each)
        assertTrue(r.out().contains("smmu-0 invalidations=4 syncs=5 cons=10 domain-100="), r.out());
        assertTrue(r.out().contains("smmu-1 invalidations=4 syncs=5 cons=10 domain-101="), r.out());
        assertTrue(r.out().contains("/4\n"), "four pages stay mapped: " + r.out());
        assertTrue(r.out().contains("durable commands acknowledged: 40; partitions on this node: [smmu-0, smmu-1]"),
                r.out());

        CliRunner inspect = CliRunner.run("inspect", "--journal", "jdbc:h2:mem:cli;DB_CLOSE_DELAY=-1");
        assertEquals(0, inspect.exitCode(), inspect.err());
        assertTrue(inspect.out().contains("domain-100        13      1    13"), inspect.out());
    }

    @Test
    void badFilesAreRefusedWithOneLine(@TempDir Path dir) throws Exception {
        CliRunner missing = CliRunner.run("cluster", "--cluster", dir.resolve("none.conf").toString());
        assertEquals(2, missing.exitCode());
        assertTrue(missing.err().contains("is not a file"), missing.err());

        Path noJournal = Files.writeString(dir.resolve("a.conf"), "iommu-sim.cluster.smmus = 2\n");
        CliRunner a = CliRunner.run("cluster", "--cluster", noJournal.toString());
        assertEquals(2, a.exitCode());
        assertTrue(a.err().contains("names no journal (iommu-sim.cluster.journal)"), a.err());

        Path mysql = Files.writeString(dir.resolve("b.conf"), "iommu-sim.cluster.journal = \"jdbc:mysql://x/y\"\n");
        CliRunner b = CliRunner.run("cluster", "--cluster", mysql.toString());
        assertEquals(2, b.exitCode());
        assertTrue(b.err().contains("a journal URL is jdbc:postgresql://HOST:PORT/DB"), b.err());
    }
}
