package org.iommusim.simulations.cli;

import org.iommusim.simulations.testing.ShippedScenarios;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue M point 5 from the command line: a journal without the free space the
 * disk-full guard needs gives exit 2 and one line naming the problem, never a
 * stack trace or a crashed JVM. (The threshold is raised past the disk's free
 * space, which is what a full disk looks like to the guard; DiskFullTest in
 * the actors module fills a real tmpfs.)
 */
class SimulateDiskFullTest {
    private static final String KEY = "iommu-sim.journal.min-free-bytes";

    @Test
    void aJournalShortOfSpaceGivesExit2AndOneLine(@TempDir Path tmp) throws Exception {
        long free = Files.getFileStore(tmp).getUsableSpace();
        System.setProperty(KEY, Long.toString(free + (1L << 40)));
        ConfigFactory.invalidateCaches();
        CliRunner r;
        try {
            r = CliRunner.run("simulate", ShippedScenarios.file("quickstart.conf").toString(), "--set",
                    "length.operations=100", "--out", tmp.resolve("run").toString(), "--quiet");
        } finally {
            System.clearProperty(KEY);
            ConfigFactory.invalidateCaches();
        }
        assertEquals(2, r.exitCode(), r.err());
        String err = r.err().strip();
        assertEquals(1, err.lines().count(), "one line on stderr:\n" + r.err());
        assertTrue(err.startsWith("simulate: ") && err.contains(KEY) && err.contains("usable"), err);
    }
}
